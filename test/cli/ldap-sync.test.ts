/** `schoolmail ldap sync` as a script runs it: the table or --json, and the documented exit codes. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts } from '../support/fixtures.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { buildCli, cliFor } from './cli-runner.js';

vi.setConfig({ testTimeout: 120_000 });

const D2 = 'district2.k12.us';
let api: TestApi;
let slapd: TestSlapd;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  buildCli();
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  const people = await seedDistricts(api);
  cli = cliFor(api.baseUrl, (await people.staff.post('/api-keys', { name: 'cli staff', role: 'staff' })).body.secret);
  const source = { kind: 'ldap', urls: [slapd.url], bindDn: LDAP_ADMIN_DN, bindPassword: LDAP_ADMIN_PASSWORD, userBase: LDAP_PEOPLE, connectTimeoutMs: 1000, operationTimeoutMs: 2000 };
  expect((await people.staff.put(`/domains/${D2}/auth-source`, source)).status).toBe(200);
  slapd.addPerson({ uid: 'pupil', mail: `pupil@${D2}`, password: 'directory-secret-9', displayName: 'Pat Pupil' });
});
afterAll(async () => {
  await api?.close();
  await slapd?.close();
});

describe('schoolmail ldap sync', () => {
  it('reports differences as a table and exits 1 while they remain', async () => {
    const result = await cli('ldap', 'sync', '--domain', D2);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${D2}: 0 account(s), 1 directory entry, directory-to-schoolmail`);
    expect(lines[1]).toMatch(/^ADDRESS\s+DIFFERENCE\s+DETAIL\s+REPAIR\s+RESULT$/);
    expect(lines[2]).toMatch(new RegExp(`^pupil@${D2.replace(/\./g, '\\.')}\\s+only-in-directory\\s+uid=pupil,ou=people,dc=school,dc=test\\s+create-account\\s+-$`));
    expect(result.stderr).toBe('schoolmail: 1 difference(s) remain; --apply repairs them\n');
    expect(await api.prisma.account.count({ where: { address: `pupil@${D2}` } })).toBe(0);
  });

  it('--json prints the report as the API sent it, with the same exit code', async () => {
    const result = await cli('ldap', 'sync', '--domain', D2, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ domain: D2, applied: false, remaining: 1, differences: [{ address: `pupil@${D2}`, repair: 'create-account' }] });
  });

  it('--apply repairs and exits 0; the next run finds nothing', async () => {
    const applied = await cli('ldap', 'sync', '--domain', D2, '--apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/create-account\s+repaired$/m);
    expect(await api.prisma.account.findUniqueOrThrow({ where: { address: `pupil@${D2}` } })).toMatchObject({ displayName: 'Pat Pupil', status: 'active' });
    const again = await cli('ldap', 'sync', '--domain', D2);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${D2}: 1 account(s), 1 directory entry, directory-to-schoolmail\nno differences\n`);
  });

  it('exit codes for a missing option, an unknown domain, a local domain and a directory that is down', async () => {
    expect((await cli('ldap', 'sync')).code).toBe(1);
    expect((await cli('ldap', 'sync', '--domain', 'nowhere.test')).code).toBe(2);
    const local = await cli('ldap', 'sync', '--domain', 'district1.k12.us');
    expect(local.code).toBe(4);
    expect(local.stderr).toMatch(/authenticates locally/);
    await slapd.stop();
    try {
      const down = await cli('ldap', 'sync', '--domain', D2);
      expect(down.code).toBe(5);
      expect(down.stderr).toMatch(/^schoolmail: The directory was unreachable: no LDAP server answered/);
    } finally {
      await slapd.resume();
    }
  });

  it('--help documents the direction rules and the exit codes', async () => {
    const help = await cli('ldap', 'sync', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/provisioning mode Schoolmail is the source of truth/);
    expect(help.stdout).toMatch(/Exit codes: 0 no differences .* 1 differences remain/s);
  });
});
