/**
 * `schoolmail migrate` against a running API: a vpopmail domain imported from a vpasswd file
 * (dry run first, then for real, then a re-run that imports nothing twice), and the domain's
 * migration state set and shown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts } from '../support/fixtures.js';
import { legacyUsers, vpasswdLine } from '../migration/migration-support.js';
import { buildCli, cliFor } from './cli-runner.js';

vi.setConfig({ testTimeout: 180_000 });

const DOMAIN = 'district2.k12.us';
let api: TestApi;
let cli: ReturnType<typeof cliFor>;
let vpasswd: string;

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  const people = await seedDistricts(api);
  const key = await people.staff.post('/api-keys', { name: 'cli postmaster2', role: 'postmaster', domain: DOMAIN });
  cli = cliFor(api.baseUrl, key.body.secret);
  const users = (await legacyUsers()).slice(0, 2);
  vpasswd = join(mkdtempSync(join(tmpdir(), 'schoolmail-cli-migrate-')), 'vpasswd');
  writeFileSync(vpasswd, users.map((user) => vpasswdLine(user, DOMAIN)).join('\n') + '\nbroken line\n');
});
afterAll(() => api?.close());

const imported = () => api.prisma.account.count({ where: { domain: { name: DOMAIN }, localPart: { in: ['md5user', 'sha256user'] } } });

describe('schoolmail migrate', () => {
  it('imports a vpasswd file: the dry run changes nothing, the import follows the job to its end, a re-run skips everything', async () => {
    const dry = await cli('migrate', 'vpopmail', DOMAIN, vpasswd, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run job \S+ succeeded: 2 imported, 0 skipped, 1 failed/);
    expect(await imported()).toBe(0);

    const run = await cli('migrate', 'vpopmail', DOMAIN, vpasswd);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/job \S+ succeeded: 2 imported/);
    expect(run.stderr).toMatch(/100%/);
    expect(await imported()).toBe(2);

    const again = await cli('migrate', 'vpopmail', DOMAIN, vpasswd, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'succeeded', succeeded: 0, skipped: 2 });

    expect((await cli('migrate', 'vpopmail', 'district1.k12.us', vpasswd)).code).toBe(2);
    expect((await cli('migrate', 'vpopmail', DOMAIN, '/nonexistent/vpasswd')).code).toBe(1);
  });

  it('sets and shows the migration state, refusing to migrate without a forward target', async () => {
    expect((await cli('migrate', 'state', DOMAIN, 'migrating')).code).toBe(1);
    const set = await cli('migrate', 'state', DOMAIN, 'migrating', '--forward-to', 'old-mx.example.org:25');
    expect(set.code).toBe(0);
    const shown = JSON.parse((await cli('migrate', 'state', DOMAIN, '--json')).stdout);
    expect(shown).toMatchObject({ state: 'migrating', forwardTo: 'old-mx.example.org:25' });
  });
});
