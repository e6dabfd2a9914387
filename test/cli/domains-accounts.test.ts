import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { buildCli, cliFor, closedPort, runCli, isolatedEnv } from './cli-runner.js';

// Each test spawns the CLI a dozen times; on a loaded machine a spawn takes up to a second.
vi.setConfig({ testTimeout: 180_000 });

let api: TestApi;
let people: Districts;
let cli: ReturnType<typeof cliFor>;
let postmaster1Cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  people = await seedDistricts(api);
  const staffKey = await people.staff.post('/api-keys', { name: 'cli staff', role: 'staff' });
  const pm1Key = await people.staff.post('/api-keys', { name: 'cli district1', role: 'postmaster', domain: 'district1.k12.us' });
  cli = cliFor(api.baseUrl, staffKey.body.secret);
  postmaster1Cli = cliFor(api.baseUrl, pm1Key.body.secret);
});
afterAll(() => api?.close());

describe('schoolmail domain', () => {
  it('adds, lists, shows, changes and removes a domain, in tables and as the API JSON', async () => {
    const added = await cli('domain', 'add', 'north.district1.k12.us', '--parent', 'district1.k12.us');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^name:\s+north\.district1\.k12\.us$/m);
    expect(added.stdout).toMatch(/^parent:\s+district1\.k12\.us$/m);

    const listed = await cli('domain', 'list', '--parent', 'district1.k12.us');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+PARENT\s+STATUS\s+COS$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['east.district1.k12.us', 'north.district1.k12.us', 'west.district1.k12.us']);
    // Aligned: every row starts its PARENT column where the header does.
    const parentColumn = lines[0]!.indexOf('PARENT');
    for (const line of lines.slice(1)) expect(line.slice(parentColumn)).toMatch(/^district1\.k12\.us /);

    const json = await cli('domain', 'show', 'north.district1.k12.us', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual((await people.staff.get('/domains/north.district1.k12.us')).body);

    const changed = await cli('domain', 'set', 'north.district1.k12.us', '--status', 'suspended', '--json');
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({ name: 'north.district1.k12.us', status: 'suspended' });

    const removed = await cli('domain', 'rm', 'north.district1.k12.us');
    expect(removed).toMatchObject({ code: 0, stdout: 'deleted domain north.district1.k12.us\n' });
    expect((await people.staff.get('/domains/north.district1.k12.us')).status).toBe(404);
  });

  it('exits 4 on a duplicate, 2 on an unknown name, 1 on invalid input with the field errors on stderr', async () => {
    const duplicate = await cli('domain', 'add', 'district1.k12.us');
    expect(duplicate.code).toBe(4);
    expect(duplicate.stderr).toContain('Conflict');
    expect(duplicate.stderr).toContain('domain district1.k12.us already exists');
    expect(duplicate.stdout).toBe('');

    const missing = await cli('domain', 'show', 'nowhere.k12.us');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('schoolmail: Not found: domain nowhere.k12.us does not exist\n');

    const invalid = await cli('domain', 'add', 'not a domain!');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^schoolmail: Invalid request\n {2}name: .*not a valid domain name/);

    const usage = await cli('domain', 'add');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("missing required argument 'name'");
    expect((await cli('domain', 'list', '--bogus')).code).toBe(1);
    expect((await cli('nonsense')).code).toBe(1);
  });

  it('exits 3 for a bad key and for a forbidden action, and 5 when the API is down', async () => {
    const badKey = await runCli(['domain', 'list'], { env: isolatedEnv({ SCHOOLMAIL_URL: api.baseUrl, SCHOOLMAIL_API_KEY: 'smk_nothing.nothing' }) });
    expect(badKey.code).toBe(3);
    expect(badKey.stderr).toContain('Authentication required');

    // A postmaster may delete an empty domain of its own, but never force a deletion.
    const forbidden = await postmaster1Cli('domain', 'rm', 'west.district1.k12.us', '--force');
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('only platform staff may force');

    const port = await closedPort();
    const down = await runCli(['domain', 'list'], { env: isolatedEnv({ SCHOOLMAIL_URL: `http://127.0.0.1:${port}`, SCHOOLMAIL_API_KEY: 'smk_x.y' }) });
    expect(down.code).toBe(5);
    expect(down.stderr).toBe(`schoolmail: cannot reach the API at http://127.0.0.1:${port}/api/v1: ECONNREFUSED\n`);

    const unconfigured = await runCli(['domain', 'list'], { env: isolatedEnv() });
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain('no API URL');
  });
});

describe('schoolmail account', () => {
  const JANE = 'jane@district1.k12.us';

  it('adds with a password from standard input, shows, changes, suspends and removes an account', async () => {
    const added = await cli.withInput('first-password-1\n', 'account', 'add', JANE, '--display-name', 'Jane Doe', '--password-stdin');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^address:\s+jane@district1\.k12\.us$/m);
    expect(added.stdout).not.toContain('first-password-1');
    expect((await api.login(JANE, 'first-password-1')).token).toBeTruthy();

    const shown = await cli('account', 'show', JANE, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ address: JANE, displayName: 'Jane Doe', status: 'active' });

    const renamed = await cli('account', 'set', JANE, '--display-name', 'Jane Q. Doe');
    expect(renamed.stdout).toMatch(/^displayName:\s+Jane Q\. Doe$/m);

    expect((await cli.withInput('second-password-2\n', 'account', 'passwd', JANE, '--password-stdin')).stdout).toBe(`password of ${JANE} changed\n`);
    expect((await api.anonymous.post('/auth/login', { username: JANE, password: 'second-password-2' })).status).toBe(200);
    expect((await api.anonymous.post('/auth/login', { username: JANE, password: 'first-password-1' })).status).toBe(401);

    expect((await cli('account', 'suspend', JANE)).stdout).toBe(`${JANE}: suspended\n`);
    expect((await people.staff.get(`/accounts/${JANE}`)).body.status).toBe('suspended');
    expect((await cli('account', 'unsuspend', JANE)).stdout).toBe(`${JANE}: active\n`);

    const shortPassword = await cli('account', 'passwd', JANE, '--password', 'short');
    expect(shortPassword.code).toBe(1);
    expect(shortPassword.stderr).toContain('password: must have at least 10 characters');

    expect((await cli('account', 'rm', JANE)).code).toBe(0);
    expect((await cli('account', 'show', JANE)).code).toBe(2);
  });

  it('pages through a long list with --limit and --cursor, or all at once with --all', async () => {
    const accounts = Array.from({ length: 7 }, (_, index) => ({ localPart: `pupil${index}`, password: 'pupil-password-1' }));
    expect((await people.staff.post('/domains/east.district1.k12.us/accounts/bulk', { accounts })).status).toBe(200);

    const first = await cli('account', 'list', 'east.district1.k12.us', '--limit', '3');
    expect(first.code).toBe(0);
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(4);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor).toBeTruthy();
    const second = await cli('account', 'list', 'east.district1.k12.us', '--limit', '3', '--cursor', cursor!, '--json');
    expect(JSON.parse(second.stdout).items.map((a: { address: string }) => a.address)).toEqual(['pupil3@east.district1.k12.us', 'pupil4@east.district1.k12.us', 'pupil5@east.district1.k12.us']);

    const all = await cli('account', 'list', 'east.district1.k12.us', '--limit', '2', '--all', '--json');
    const page = JSON.parse(all.stdout);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((a: { localPart: string }) => a.localPart)).toEqual(accounts.map((a) => a.localPart));
    expect(all.stderr).toBe('');

    const badLimit = await cli('account', 'list', 'east.district1.k12.us', '--limit', '0');
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toMatch(/^ {2}limit: /m);
  });

  it('gives a district-scoped key exit 2 for the accounts of another district', async () => {
    expect((await people.staff.post('/domains/district2.k12.us/accounts', { localPart: 'sam', password: 'harbor-light-1' })).status).toBe(201);
    const other = await postmaster1Cli('account', 'show', 'sam@district2.k12.us');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('does not exist');
    expect((await postmaster1Cli('account', 'list', 'district2.k12.us')).code).toBe(2);
    expect((await postmaster1Cli('account', 'rm', 'sam@district2.k12.us')).code).toBe(2);
    expect((await people.staff.get('/accounts/sam@district2.k12.us')).status).toBe(200);
    const whoami = await postmaster1Cli('whoami');
    expect(whoami.stdout).toMatch(/^name:\s+apikey:cli district1$/m);
    expect(whoami.stdout).toMatch(/^grants:\s+postmaster@district1\.k12\.us$/m);
  });
});

describe('schoolmail service', () => {
  it("switches services off for a domain and an account and explains an account's effective settings", async () => {
    expect((await people.staff.post('/domains/west.district1.k12.us/accounts', { localPart: 'max', password: 'granite-peak-1' })).status).toBe(201);
    const domainOff = await cli('service', 'set', 'west.district1.k12.us', 'imap', 'off');
    expect(domainOff.code).toBe(0);
    expect(domainOff.stdout).toMatch(/^services\.imap:\s+off$/m);
    const accountOff = await cli('service', 'set', 'max@west.district1.k12.us', 'pop3=off', 'webmail', 'on', '--json');
    expect(JSON.parse(accountOff.stdout).services).toMatchObject({ pop3: false, webmail: true });

    const shown = await cli('service', 'show', 'max@west.district1.k12.us');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^imap\s+off\s+domain west\.district1\.k12\.us\s+IMAP: off - disabled at domain west\.district1\.k12\.us by apikey:cli staff/m);
    expect(shown.stdout).toMatch(/^pop3\s+off\s+account max@west\.district1\.k12\.us/m);
    expect(shown.stdout).toMatch(/^mailboxQuotaMb\s+2048\s+server server defaults/m);
    const json = await cli('service', 'show', 'max@west.district1.k12.us', '--json');
    expect(JSON.parse(json.stdout)).toEqual((await people.staff.get('/accounts/max@west.district1.k12.us/effective-settings')).body);

    expect((await cli('service', 'show', 'west.district1.k12.us', '--json')).stdout).toContain('"imap": false');
    const wrong = await cli('service', 'set', 'west.district1.k12.us', 'imap', 'maybe');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('"maybe" is neither on nor off');
    const unknownService = await cli('service', 'set', 'west.district1.k12.us', 'fax', 'off');
    expect(unknownService.code).toBe(1);
    expect(unknownService.stderr).toContain('fax');
  });
});
