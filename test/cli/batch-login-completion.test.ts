import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { buildCli, cliFor, isolatedEnv, runCli } from './cli-runner.js';

// Each test spawns the CLI a dozen times; on a loaded machine a spawn takes up to a second.
vi.setConfig({ testTimeout: 180_000 });

let api: TestApi;
let people: Districts;
let staffKey: string;
let cli: ReturnType<typeof cliFor>;
const work = mkdtempSync(join(tmpdir(), 'schoolmail-cli-batch-'));

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  people = await seedDistricts(api);
  staffKey = (await people.staff.post('/api-keys', { name: 'cli staff', role: 'staff' })).body.secret;
  cli = cliFor(api.baseUrl, staffKey);
});
afterAll(() => api?.close());

/** How many times the API recorded a successful create of this subject. */
async function creates(action: string, subjectId: string) {
  const events = await people.staff.get(`/audit-events?action=${action}&outcome=success&limit=500`);
  return events.body.items.filter((event: { subjectId: string }) => event.subjectId === subjectId).length;
}

describe('schoolmail batch', () => {
  const script = [
    '# district 3, first wave',
    'domain add d3.k12.us',
    '',
    'account add amy@d3.k12.us --password lemon-grove-1 --display-name "Amy A. O\'Neil"',
    "account add bad@nowhere.k12.us --password 'x-password-1'",
    'alias add info@d3.k12.us amy@d3.k12.us   # the front desk',
  ].join('\n');
  const file = join(work, 'provision.txt');
  writeFileSync(file, script + '\n');

  it('stops at the first failing line with its exit code, one result line per command', async () => {
    const run = await cli('batch', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(
      [
        'ok domain add d3.k12.us',
        'ok account add amy@d3.k12.us --password *** --display-name "Amy A. O\'Neil"',
        'error account add bad@nowhere.k12.us --password ***: Not found: domain nowhere.k12.us does not exist',
        '',
      ].join('\n'),
    );
    expect(run.stdout).not.toMatch(/lemon-grove-1|x-password-1/);
    expect((await people.staff.get('/accounts/amy@d3.k12.us')).body.displayName).toBe("Amy A. O'Neil");
    expect((await api.anonymous.post('/auth/login', { username: 'amy@d3.k12.us', password: 'lemon-grove-1' })).status).toBe(200);
    expect((await people.staff.get('/aliases/info@d3.k12.us')).status).toBe(404);
  });

  it('goes on with --continue, and a re-run creates nothing twice', async () => {
    for (let round = 0; round < 2; round++) {
      const run = await cli('batch', file, '--continue');
      expect(run.code).toBe(2);
      expect(run.stdout.split('\n').map((line) => line.split(' ')[0])).toEqual(['ok', 'ok', 'error', 'ok', '']);
      expect(run.stdout).toContain('ok alias add info@d3.k12.us amy@d3.k12.us   # the front desk\n');
    }
    expect(await creates('domain.create', 'd3.k12.us')).toBe(1);
    expect(await creates('account.create', 'amy@d3.k12.us')).toBe(1);
    expect(await creates('alias.create', 'info@d3.k12.us')).toBe(1);
    expect((await people.staff.get('/aliases/info@d3.k12.us')).body.targets).toEqual(['amy@d3.k12.us']);
  });

  it('counts an existing resource with the same values as done, and a different one as a conflict', async () => {
    expect((await people.staff.post('/domains', { name: 'd4.k12.us' })).status).toBe(201);
    expect((await people.staff.post('/domains/d4.k12.us/accounts', { localPart: 'ann', password: 'cedar-brook-1', displayName: 'Ann' })).status).toBe(201);
    const same = await cli.withInput('domain add d4.k12.us\naccount add ann@d4.k12.us --password other-password-2 --display-name Ann\n', 'batch', '-');
    expect(same).toMatchObject({ code: 0, stdout: 'ok domain add d4.k12.us\nok account add ann@d4.k12.us --password *** --display-name Ann\n' });
    const different = await cli.withInput('domain add d4.k12.us --status suspended\nlist add staff@d4.k12.us\n', 'batch', '-');
    expect(different.code).toBe(4);
    expect(different.stdout).toBe('error domain add d4.k12.us --status suspended: Conflict: domain d4.k12.us already exists\n');
    expect((await people.staff.get('/domains/d4.k12.us')).body.status).toBe('active');
    expect((await people.staff.get('/lists/staff@d4.k12.us')).status).toBe(404);
  });

  it('treats the same line at another place in the file as a new command', async () => {
    const again = await cli.withInput('alias add desk@d3.k12.us amy@d3.k12.us\nalias rm desk@d3.k12.us\nalias add desk@d3.k12.us amy@d3.k12.us\n', 'batch', '-');
    expect(again.code).toBe(0);
    expect((await people.staff.get('/aliases/desk@d3.k12.us')).status).toBe(200);
  });

  it('reports usage errors and bad quoting as failed lines with exit code 1', async () => {
    const run = await cli.withInput('domain frobnicate x\naccount add "unterminated\nbatch other.txt\n', 'batch', '-', '--continue');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "error domain frobnicate x: unknown command 'frobnicate'",
        'error account add "unterminated: line 2: unterminated double quote',
        'error batch other.txt: a batch file cannot run another batch',
        '',
      ].join('\n'),
    );
    expect((await cli('batch', join(work, 'missing.txt'))).code).toBe(1);
  });
});

describe('schoolmail login', () => {
  it('checks the key, writes it to a 0600 config file, and later commands use it', async () => {
    const env = isolatedEnv();
    const login = await runCli(['login', '--url', api.baseUrl], { env, input: `${staffKey}\n` });
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/^logged in as apikey:cli staff \(staff\); saved to .*schoolmail\/config\.json\n$/);
    expect(login.stdout + login.stderr).not.toContain(staffKey);
    const file = join(env.XDG_CONFIG_HOME!, 'schoolmail', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: api.baseUrl, apiKey: staffKey });

    const whoami = await runCli(['whoami'], { env });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^name:\s+apikey:cli staff$/m);
    // A flag still wins over the file.
    expect((await runCli(['whoami', '--api-key', 'smk_wrong.key'], { env })).code).toBe(3);
  });

  it('refuses a wrong key without writing anything', async () => {
    const env = isolatedEnv();
    const login = await runCli(['login', '--url', api.baseUrl], { env, input: 'smk_wrong.key\n' });
    expect(login.code).toBe(3);
    expect(existsSync(join(env.XDG_CONFIG_HOME!, 'schoolmail', 'config.json'))).toBe(false);
  });
});

describe('schoolmail completion and help', () => {
  it('prints a bash completion script that bash accepts and that completes commands and subcommands', async () => {
    const completion = await runCli(['completion', 'bash']);
    expect(completion.code).toBe(0);
    const script = join(work, 'schoolmail.bash');
    writeFileSync(script, completion.stdout);
    execFileSync('bash', ['-n', script]);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _schoolmail; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim().split(' ');
    expect(complete('schoolmail', 'do')).toEqual(['domain']);
    expect(complete('schoolmail', 'list', 'member', '')).toEqual(expect.arrayContaining(['list', 'add', 'rm']));
    expect(complete('schoolmail', '--json', 'queue', 're')).toEqual(['reschedule', 'release']);
    expect(complete('schoolmail', 'account', 'list', 'd1', '--s')).toEqual(expect.arrayContaining(['--sort', '--subtree']));
    expect((await runCli(['completion', 'zsh'])).code).toBe(1);
  });

  it('has --help with an example on every command', async () => {
    // In-process (the built program module): seventy child processes would only measure node's start-up.
    const { runWords } = await import(pathToFileURL(join(import.meta.dirname, '../../apps/cli/dist/program.js')).href);
    const completion = await runCli(['completion', 'bash']);
    const paths = new Set([...completion.stdout.matchAll(/^ {4}"([^"]+)"\) echo/gm)].map((match) => match[1]!).filter((path) => path && !path.endsWith('help')));
    expect(paths.size).toBeGreaterThan(60);
    for (const path of paths) {
      let out = '';
      const result = await runWords([...path.split(' '), '--help'], { stdout: (text: string) => (out += text), stderr: () => {}, env: {}, stdin: process.stdin });
      expect(result.code, path).toBe(0);
      expect(out, path).toMatch(/\nExamples?:\n {2}\$ .*schoolmail /);
    }
  });
});
