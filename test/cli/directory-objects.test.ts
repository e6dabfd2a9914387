import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileBlobStore, loadEngineConfig, newQueueId, PrismaOutboundQueue } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { buildCli, cliFor } from './cli-runner.js';

// Each test spawns the CLI a dozen times; on a loaded machine a spawn takes up to a second.
vi.setConfig({ testTimeout: 180_000 });

const D1 = 'district1.k12.us';
let api: TestApi;
let people: Districts;
let cli: ReturnType<typeof cliFor>;

const rowsOf = (stdout: string) => stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/\s{2,}/));

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  people = await seedDistricts(api);
  cli = cliFor(api.baseUrl, (await people.staff.post('/api-keys', { name: 'cli staff', role: 'staff' })).body.secret);
  for (const localPart of ['jane', 'bob']) {
    expect((await people.staff.post(`/domains/${D1}/accounts`, { localPart, password: 'pupil-password-1', displayName: localPart.toUpperCase() })).status).toBe(201);
  }
});
afterAll(() => api?.close());

/** Puts a message in the outgoing queue the way the engine does, due tomorrow (no worker takes it). */
async function queueMessage(sender: string, recipients: string[]) {
  const engineConfig = { ...loadEngineConfig({}), hostname: 'mx.schoolmail.test', nodeId: 'cli-test' };
  const blobs = new FileBlobStore(api.prisma, { dataDir: api.config.dataDir, log: () => {} });
  const id = newQueueId();
  const bytes = Buffer.from(`From: <${sender}>\r\nTo: <${recipients[0]}>\r\nSubject: Queued\r\n\r\nBody\r\n`);
  await api.prisma.$transaction(async (tx) => {
    const stored = await blobs.store(tx, bytes, null);
    await new PrismaOutboundQueue(engineConfig).enqueue(tx, { id, blobId: stored.blobId, sender, recipients, size: bytes.length, clientIp: '192.0.2.7', authUser: sender, senderDomainPath: null });
  });
  await api.prisma.queueEntry.updateMany({ where: { messageId: id }, data: { nextAttemptAt: new Date(Date.now() + 86400_000) } });
  return api.prisma.queueEntry.findMany({ where: { messageId: id }, orderBy: { id: 'asc' } });
}

describe('aliases, mailing lists and groups', () => {
  it('manages an alias', async () => {
    expect((await cli('alias', 'add', `info@${D1}`, `jane@${D1}`, `bob@${D1}`)).code).toBe(0);
    expect(rowsOf((await cli('alias', 'list', D1)).stdout)).toEqual([[`info@${D1}`, `jane@${D1},bob@${D1}`]]);
    expect((await cli('alias', 'set', `info@${D1}`, `bob@${D1}`)).stdout).toMatch(/^targets:\s+bob@district1\.k12\.us$/m);
    expect(JSON.parse((await cli('alias', 'show', `info@${D1}`, '--json')).stdout).targets).toEqual([`bob@${D1}`]);
    const taken = await cli('alias', 'add', `jane@${D1}`, `bob@${D1}`);
    expect(taken.code).toBe(4);
    expect(taken.stderr).toContain('is already used by an account');
    expect((await cli('alias', 'add', 'no-at-sign', `bob@${D1}`)).code).toBe(1);
    expect((await cli('alias', 'rm', `info@${D1}`)).code).toBe(0);
    expect((await cli('alias', 'show', `info@${D1}`)).code).toBe(2);
  });

  it('manages a mailing list and its members', async () => {
    const added = await cli('list', 'add', `staff@${D1}`, '--name', 'All staff', '--member', `jane@${D1}`, '--posting-policy', 'owners');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^memberCount:\s+1$/m);
    expect((await cli('list', 'member', 'add', `staff@${D1}`, 'parent@example.org', `bob@${D1}`, '--owner')).code).toBe(0);
    const members = await cli('list', 'member', 'list', `staff@${D1}`);
    expect(rowsOf(members.stdout).map(([address, owner]) => `${address}:${owner}`).sort()).toEqual([`bob@${D1}:yes`, `jane@${D1}:no`, 'parent@example.org:yes']);
    expect((await cli('list', 'member', 'rm', `staff@${D1}`, 'parent@example.org')).code).toBe(0);
    expect(JSON.parse((await cli('list', 'member', 'list', `staff@${D1}`, '--json')).stdout).items).toHaveLength(2);
    expect(rowsOf((await cli('list', 'list', D1)).stdout)).toEqual([[`staff@${D1}`, 'All staff', 'owners', '2']]);
    expect((await cli('list', 'set', `staff@${D1}`, '--posting-policy', 'anyone', '--name', 'none', '--json')).stdout).toContain('"name": null');
    const badPolicy = await cli('list', 'set', `staff@${D1}`, '--posting-policy', 'nobody');
    expect(badPolicy.code).toBe(1);
    expect((await cli('list', 'rm', `staff@${D1}`)).code).toBe(0);
  });

  it('manages a group and its members', async () => {
    expect((await cli('group', 'add', `teachers@${D1}`, '--name', 'Teachers', '--member', `jane@${D1}`)).code).toBe(0);
    expect((await cli('group', 'member', 'add', `teachers@${D1}`, `bob@${D1}`)).code).toBe(0);
    expect(rowsOf((await cli('group', 'member', 'list', `teachers@${D1}`)).stdout).map(([address, name]) => `${address}=${name}`)).toEqual([`bob@${D1}=BOB`, `jane@${D1}=JANE`]);
    const outsider = await cli('group', 'member', 'add', `teachers@${D1}`, 'someone@example.org');
    expect(outsider.code).not.toBe(0);
    expect(outsider.stderr).toMatch(/^schoolmail: /);
    expect((await cli('group', 'member', 'rm', `teachers@${D1}`, `bob@${D1}`)).code).toBe(0);
    expect(rowsOf((await cli('group', 'list', D1)).stdout)).toEqual([[`teachers@${D1}`, 'Teachers', '1']]);
    expect((await cli('group', 'set', `teachers@${D1}`, '--name', 'All teachers')).stdout).toMatch(/^name:\s+All teachers$/m);
    expect((await cli('group', 'rm', `teachers@${D1}`)).code).toBe(0);
    expect((await cli('group', 'show', `teachers@${D1}`)).code).toBe(2);
  });
});

describe('classes of service and word lists', () => {
  it('manages a class of service and shows its impact', async () => {
    const added = await cli('cos', 'add', 'teachers', '--quota-mb', '4096', '--max-message-kb', '25600', '--max-recipients', '200', '--service', 'pop3=off', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'teachers', mailboxQuotaMb: 4096, services: { pop3: false } });
    expect((await cli('account', 'set', `jane@${D1}`, '--cos', 'teachers')).code).toBe(0);
    expect(rowsOf((await cli('cos', 'list')).stdout)[0]!.slice(0, 5)).toEqual(['teachers', '-', '4096', '25600', '200']);
    const shown = await cli('cos', 'show', 'teachers');
    expect(shown.stdout).toMatch(/^impact\.\S*accounts\S*:\s+1$/m);
    expect((await cli('cos', 'set', 'teachers', '--quota-mb', '8192', '--json')).stdout).toContain('"mailboxQuotaMb": 8192');
    const missingLimit = await cli('cos', 'add', 'pupils', '--quota-mb', '100');
    expect(missingLimit.code).toBe(1);
    expect(missingLimit.stderr).toMatch(/maxMessageSizeKb: is required/);
    expect((await cli('cos', 'add', 'pupils', '--quota-mb', 'lots')).stderr).toContain('"lots" is not a whole number');
    expect((await cli('account', 'set', `jane@${D1}`, '--cos', 'none')).code).toBe(0);
    expect((await cli('cos', 'rm', 'teachers')).code).toBe(0);
  });

  it('manages a word list, its entries, and dry-runs a message against it', async () => {
    const added = await cli('wordlist', 'add', 'Profanity', '--scope', 'domain', '--domain', D1, '--action', 'quarantine', '--entry', 'Bad Word', '--entry', 'worse', '--json');
    expect(added.code).toBe(0);
    const list = JSON.parse(added.stdout);
    expect(list).toMatchObject({ name: 'Profanity', scope: 'domain', domain: D1, entries: ['bad word', 'worse'] });
    const id = String(list.id);
    expect((await cli('wordlist', 'entries', 'add', id, 'awful', 'worse')).stdout).toBe(`word list ${id}: 3 entries\n`);
    expect((await cli('wordlist', 'entries', 'rm', id, 'worse')).stdout).toBe(`word list ${id}: 2 entries\n`);
    const shown = await cli('wordlist', 'show', id);
    expect(shown.stdout).toMatch(/entries:\n {2}awful\n {2}bad word\n?$/);
    expect(rowsOf((await cli('wordlist', 'list', '--domain', D1)).stdout)).toEqual([[id, 'Profanity', 'domain', D1, 'quarantine', 'both', '2']]);

    const hit = await cli('wordlist', 'test', `jane@${D1}`, '--subject', 'an awful day', '--body', 'nothing else');
    expect(hit.code).toBe(0);
    expect(hit.stdout).toMatch(/^action: quarantine$/m);
    expect(hit.stdout).toMatch(new RegExp(`^Profanity \\(${id}\\)\\s+awful\\s+subject\\s+quarantine`, 'm'));
    const clean = await cli('wordlist', 'test', `jane@${D1}`, '--subject', 'a fine day', '--body', 'hello');
    expect(clean.stdout).toMatch(/^no match: the message would be accepted/);
    const noMessage = await cli('wordlist', 'test', `jane@${D1}`);
    expect(noMessage.code).toBe(1);
    expect(noMessage.stderr).toContain('raw: is required');

    expect((await cli('wordlist', 'set', id, '--action', 'tag')).stdout).toMatch(/^action:\s+tag$/m);
    expect((await cli('wordlist', 'add', 'x', '--scope', 'galaxy')).code).toBe(1);
    expect((await cli('wordlist', 'rm', id)).code).toBe(0);
    expect((await cli('wordlist', 'show', id)).code).toBe(2);
  });
});

describe('queue, administrators, API keys and the audit log', () => {
  it('holds and releases a remote domain and acts on queue entries by filter', async () => {
    const held = await cli('queue', 'hold', 'slow.example.org');
    expect(held).toMatchObject({ code: 0, stdout: 'slow.example.org: held (0 queued)\n' });
    const domains = await cli('queue', 'domains', '--state', 'held');
    expect(rowsOf(domains.stdout).map((row) => row.slice(0, 2))).toEqual([['slow.example.org', 'held']]);
    expect((await cli('queue', 'release', 'slow.example.org', '--json')).stdout).toContain('"state": "active"');
    expect((await cli('queue', 'list', '--state', 'deferred')).stdout.trim()).toMatch(/^ID\s+STATE\s+SENDER\s+RECIPIENT/);
    expect((await cli('queue', 'reschedule', '--remote-domain', 'slow.example.org')).stdout).toBe('reschedule: 0 entries\n');
    expect((await cli('queue', 'delete', '--older-than', 'yesterday-ish')).stderr).toContain('is neither a duration');
    expect((await cli('queue', 'bounce')).code).toBe(1);
    expect((await cli('queue', 'show', '424242')).code).toBe(2);
  });

  it('lists, shows, deletes and reschedules real queue entries', async () => {
    const entries = await queueMessage(`jane@${D1}`, ['a@gmail.test', 'b@gmail.test', 'c@yahoo.test']);
    const listed = await cli('queue', 'list', '--remote-domain', 'gmail.test');
    expect(rowsOf(listed.stdout).map((row) => row.slice(0, 4))).toEqual([
      [String(entries[0]!.id), 'queued', `jane@${D1}`, 'a@gmail.test'],
      [String(entries[1]!.id), 'queued', `jane@${D1}`, 'b@gmail.test'],
    ]);
    const shown = await cli('queue', 'show', String(entries[2]!.id), '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ recipient: 'c@yahoo.test', sender: `jane@${D1}` });
    expect((await cli('queue', 'show', String(entries[2]!.id))).stdout).toMatch(/^recipient:\s+c@yahoo\.test$/m);

    expect((await cli('queue', 'delete', String(entries[0]!.id))).stdout).toBe('delete: 1 entry\n');
    expect((await cli('queue', 'reschedule', '--remote-domain', 'gmail.test', '--json')).stdout).toContain('"affected": 1');
    const left = JSON.parse((await cli('queue', 'list', '--sender', `jane@${D1}`, '--json')).stdout).items;
    expect(left.map((entry: { recipient: string }) => entry.recipient).sort()).toEqual(['b@gmail.test', 'c@yahoo.test']);
  });

  it('manages administrators and their grants', async () => {
    const added = await cli.withInput('admin-password-long-1\n', 'admin', 'add', 'jsmith', '--display-name', 'J. Smith');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^username:\s+jsmith$/m);
    expect((await api.login('jsmith', 'admin-password-long-1')).token).toBeTruthy();
    const granted = await cli('admin', 'grant', 'jsmith', '--role', 'postmaster', '--domain', D1);
    expect(granted.stdout).toMatch(/^assignment \d+: postmaster@district1\.k12\.us\n$/);
    const assignmentId = /^assignment (\d+)/.exec(granted.stdout)![1]!;
    expect((await cli('admin', 'show', 'jsmith')).stdout).toMatch(new RegExp(`^${assignmentId}\\s+postmaster@district1\\.k12\\.us`, 'm'));
    expect(rowsOf((await cli('admin', 'list', '--q', 'jsmith')).stdout).map((row) => row.slice(1))).toEqual([['jsmith', 'J. Smith', 'no', `postmaster@${D1}`]]);
    expect((await cli('admin', 'set', 'jsmith', '--disable', '--json')).stdout).toContain('"disabled": true');
    expect((await cli('admin', 'revoke', 'jsmith', assignmentId)).code).toBe(0);
    expect((await cli('admin', 'rm', 'jsmith')).code).toBe(0);
    expect((await cli('admin', 'show', 'jsmith')).code).toBe(2);
    expect((await cli.withInput('short\n', 'admin', 'add', 'shorty')).stderr).toContain('password: must have at least 12 characters');
  });

  it('issues, lists and revokes an API key, and finds CLI actions in the audit log', async () => {
    const issued = await cli('apikey', 'add', 'District 2 CMS', '--role', 'postmaster', '--domain', 'district2.k12.us', '--json');
    const key = JSON.parse(issued.stdout);
    expect(key.secret).toMatch(/^smk_/);
    const human = await cli('apikey', 'add', 'Another', '--role', 'postmaster', '--domain', 'district2.k12.us');
    expect(human.stdout).toMatch(/secret \(shown once; store it now\):\nsmk_\S+\n$/);

    const district2 = cliFor(api.baseUrl, key.secret);
    expect(rowsOf((await district2('domain', 'list')).stdout).map((row) => row[0])).toEqual(['district2.k12.us']);
    const listed = await cli('apikey', 'list', '--q', 'District 2');
    expect(listed.stdout).not.toContain(key.secret);
    expect(rowsOf(listed.stdout)[0]!.slice(0, 4)).toEqual([String(key.id), 'District 2 CMS', key.prefix, 'postmaster@district2.k12.us']);
    expect((await cli('apikey', 'revoke', String(key.id))).code).toBe(0);
    expect((await district2('domain', 'list')).code).toBe(3);

    const audit = await cli('audit', 'list', '--action', 'api-key.revoke', '--json');
    expect(JSON.parse(audit.stdout).items[0]).toMatchObject({ actorName: 'apikey:cli staff', interface: 'cli', subjectId: String(key.id) });
    const table = await cli('audit', 'list', '--action', 'api-key.create', '--limit', '1');
    expect(rowsOf(table.stdout)[0]!.slice(1)).toEqual(['apikey:cli staff', 'staff', 'cli', 'api-key.create', 'success', expect.stringMatching(/^ApiKey \d+$/)]);
  });
});
