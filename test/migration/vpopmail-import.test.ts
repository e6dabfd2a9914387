import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { pythonSmtp } from '../support/smtp.js';
import { legacyUsers, runImport, startEngineFor, vpasswdLine, waitForJob, type LegacyUser } from './migration-support.js';
import { randomUUID } from 'node:crypto';

const DOMAIN = 'district2.k12.us';

let api: TestApi;
let districts: Districts;
let engine: RunningEngine;
let users: LegacyUser[];

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  engine = await startEngineFor(api);
  users = await legacyUsers();
  const created = await api.staff.post('/classes-of-service', { name: 'vpop-50mb', mailboxQuotaMb: 50, maxMessageSizeKb: 25600, maxRecipients: 100 });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});

afterAll(async () => {
  await engine?.stop();
  await api?.close();
});

const accountsOf = (domain: string) => api.prisma.account.findMany({ where: { domain: { name: domain } }, orderBy: { localPart: 'asc' }, include: { classOfService: true, serviceToggles: true } });

describe('vpopmail vpasswd import', () => {
  const vpasswd = () =>
    [
      ...users.map((user, index) => vpasswdLine(user, DOMAIN, index === 0 ? '52428800S' : 'NOQUOTA', index === 0 ? 'Mary Five' : user.name)),
      vpasswdLine({ name: 'oddquota', crypted: users[0]!.crypted }, DOMAIN, '12345678S'),
      // gid 8 = vpopmail's NO_IMAP; the hash is unusable but a clear-text copy exists.
      `clearuser:notahash:1:8:Clear User:/x:NOQUOTA:clear-Passw0rd`,
      `nopass:notahash:1:0:No Pass:/x:NOQUOTA`,
      'broken line without fields',
      vpasswdLine(users[1]!, DOMAIN),
    ].join('\n');

  it('reports first in a dry run and writes nothing', async () => {
    const { job, report } = await runImport(districts.postmaster2, '/migration/vpopmail', { domain: DOMAIN, format: 'vpasswd', content: vpasswd(), dryRun: true });
    expect(job).toMatchObject({ kind: 'vpopmail-import', status: 'succeeded', dryRun: true, percent: 100 });
    const wouldCreate = report.summary.wouldCreate.map((item: { item: string }) => item.item);
    expect(wouldCreate).toEqual([...users.map((u) => `${u.name}@${DOMAIN}`), `oddquota@${DOMAIN}`, `clearuser@${DOMAIN}`]);
    expect(report.summary.wouldCreate[0].reason).toContain('quota 50 MB -> class of service vpop-50mb');
    expect(report.summary.wouldCreate.find((i: { item: string }) => i.item.startsWith('oddquota')).reason).toContain('no class of service has it');
    const rows = report.rows.map((row: { row: number; status: string; reason: string }) => [row.row, row.status, row.reason]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [users.length + 3, 'error', expect.stringContaining('no scheme this server verifies')],
        [users.length + 4, 'error', expect.stringContaining('a vpasswd line has 7 or 8')],
        [users.length + 5, 'skipped', expect.stringContaining('appears earlier in the file (line 2)')],
      ]),
    );
    expect(await accountsOf(DOMAIN)).toEqual([]);
  });

  it('imports the accounts with their hashes, quotas and services, as the API creates them', async () => {
    const { job } = await runImport(districts.postmaster2, '/migration/vpopmail', { domain: DOMAIN, format: 'vpasswd', content: vpasswd() });
    expect(job).toMatchObject({ status: 'succeeded', succeeded: users.length + 2, failed: 2, skipped: 1 });
    const accounts = await accountsOf(DOMAIN);
    expect(accounts.map((a) => a.localPart)).toEqual(['bcryptuser', 'clearuser', 'desuser', 'md5user', 'oddquota', 'sha256user', 'sha512user']);
    for (const user of users) {
      const account = accounts.find((a) => a.localPart === user.name)!;
      expect(account.passwordHash).toBe(`{${user.scheme}}${user.crypted}`);
    }
    expect(accounts.find((a) => a.localPart === users[0]!.name)!).toMatchObject({ displayName: 'Mary Five', classOfService: { name: 'vpop-50mb' } });
    const clear = accounts.find((a) => a.localPart === 'clearuser')!;
    expect(clear.passwordHash.startsWith('{SCRYPT}')).toBe(true);
    expect(clear.serviceToggles).toEqual([expect.objectContaining({ service: 'imap', enabled: false })]);
    // The address registry and default folders, as for any account the API creates.
    expect(await api.prisma.address.count({ where: { address: { endsWith: `@${DOMAIN}` }, kind: 'account' } })).toBe(accounts.length);
    const folders = await api.prisma.mailboxFolder.findMany({ where: { accountId: accounts[0]!.id }, select: { name: true } });
    expect(folders.map((f) => f.name).sort()).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
  });

  it('lets every imported account log in with its old password, then re-hashes it to the current scheme', async () => {
    for (const user of [...users, { name: 'clearuser', password: 'clear-Passw0rd' }]) {
      const address = `${user.name}@${DOMAIN}`;
      const smtp = await pythonSmtp({ port: engine.ports.submission, starttls: true, auth: { user: address, password: user.password }, sender: address, recipients: [] });
      expect(smtp.reply('auth')?.code, `${address} SMTP AUTH`).toBe(235);
      const wrong = await api.anonymous.post('/auth/login', { username: address, password: `${user.password}-wrong` });
      expect(wrong.status).toBe(401);
      const login = await api.anonymous.post('/auth/login', { username: address, password: user.password });
      expect(login.status, `${address} API login`).toBe(200);
      const stored = await api.prisma.account.findUniqueOrThrow({ where: { address } });
      expect(stored.passwordHash.startsWith('{SCRYPT}$16384$'), `${address} re-hashed`).toBe(true);
      const again = await pythonSmtp({ port: engine.ports.submission, starttls: true, auth: { user: address, password: user.password }, sender: address, recipients: [] });
      expect(again.reply('auth')?.code, `${address} SMTP AUTH after re-hash`).toBe(235);
    }
  });

  it('imports nothing twice when run again', async () => {
    const before = await accountsOf(DOMAIN);
    const { job, report } = await runImport(districts.postmaster2, '/migration/vpopmail', { domain: DOMAIN, format: 'vpasswd', content: vpasswd() });
    expect(job).toMatchObject({ status: 'succeeded', succeeded: 0 });
    expect(report.rows.filter((row: { reason: string }) => row.reason === 'the account exists already')).toHaveLength(users.length + 2);
    expect((await accountsOf(DOMAIN)).map((a) => [a.id, a.passwordHash])).toEqual(before.map((a) => [a.id, a.passwordHash]));
  });

  it('refuses a domain out of the actor\'s scope (404) and bad input with a clear problem', async () => {
    const outside = await districts.postmaster2.post('/migration/vpopmail', { domain: 'district1.k12.us', format: 'vpasswd', content: 'x:y:1:0::/x:NOQUOTA' });
    expect(outside.status).toBe(404);
    const bad = await districts.postmaster2.post('/migration/vpopmail', { domain: DOMAIN, format: 'passwd', content: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['content', 'format']);
  });
});

describe('a vpopmail import by a district administrator', () => {
  it('maps quotas only to classes of service the importer may assign in the domain, in the dry run as in the run', async () => {
    // capped is held to 1024 MB by staff; a 4096 MB class exists, but is beyond what its postmaster may give.
    const domain = 'capped.district1.k12.us';
    expect((await api.staff.post('/domains', { name: domain, parent: 'district1.k12.us' })).status).toBe(201);
    for (const [name, mailboxQuotaMb] of [['vpop-cap', 1024], ['vpop-4gb', 4096], ['vpop-100mb', 100]] as const) {
      expect((await api.staff.post('/classes-of-service', { name, mailboxQuotaMb, maxMessageSizeKb: 25600, maxRecipients: 100 })).status).toBe(201);
    }
    expect((await api.staff.patch(`/domains/${domain}`, { classOfService: 'vpop-cap' })).status).toBe(200);
    const line = (name: string, quota: string) => vpasswdLine({ name, crypted: users[0]!.crypted }, domain, quota);
    const content = [line('big', `${4096 * 1024 * 1024}S`), line('small', `${100 * 1024 * 1024}S`)].join('\n');
    const reasons = (report: any) => Object.fromEntries(report.summary.wouldCreate.map((item: { item: string; reason: string }) => [item.item, item.reason]));

    // Staff may give the big class anywhere; the district's postmaster is offered only what it may assign.
    const staffPlan = await runImport(api.staff, '/migration/vpopmail', { domain, format: 'vpasswd', content, dryRun: true });
    expect(reasons(staffPlan.report)[`big@${domain}`]).toContain('quota 4096 MB -> class of service vpop-4gb');
    const { job, report } = await runImport(districts.postmaster1, '/migration/vpopmail', { domain, format: 'vpasswd', content, dryRun: true });
    expect(job).toMatchObject({ status: 'succeeded', dryRun: true });
    const planned = reasons(report);
    expect(Object.keys(planned)).toEqual([`big@${domain}`, `small@${domain}`]);
    expect(planned[`big@${domain}`]).not.toContain('-> class of service vpop-4gb');
    expect(planned[`big@${domain}`]).toContain(`quota 4096 MB: no class of service assignable in ${domain} has it`);
    expect(planned[`big@${domain}`]).toContain(`mailboxQuotaMb must be at most 1024, the limit of class of service "vpop-cap" assigned to ${domain}`);
    expect(planned[`big@${domain}`]).toContain("so the domain's quota applies (1024 MB)");
    expect(planned[`small@${domain}`]).toContain('quota 100 MB -> class of service vpop-100mb');

    // The run does what the dry run said: both accounts, the big one under the domain's class.
    const run = await runImport(districts.postmaster1, '/migration/vpopmail', { domain, format: 'vpasswd', content });
    expect(run.job).toMatchObject({ status: 'succeeded', succeeded: 2, failed: 0 });
    expect((await accountsOf(domain)).map((a) => [a.localPart, a.classOfService?.name ?? null])).toEqual([
      ['big', null],
      ['small', 'vpop-100mb'],
    ]);
  });
});

describe('an interrupted vpopmail import', () => {
  it('resumes from its checkpoint with its counters, and does not redo the lines before it', async () => {
    const domain = 'east.district1.k12.us';
    const line = (name: string, quota = 'NOQUOTA') => vpasswdLine({ name, crypted: users[0]!.crypted }, domain, quota);
    const content = [line('first'), 'broken', line('third'), line('fourth', 'lots'), line('fifth')].join('\n');
    const [pm1] = await api.prisma.admin.findMany({ where: { username: 'pm1' } });
    const eastDomain = await api.prisma.domain.findUniqueOrThrow({ where: { name: domain } });
    // The job as the runner left it when its process died after the first two lines.
    const id = randomUUID();
    await api.prisma.job.create({
      data: {
        id,
        kind: 'vpopmail-import',
        status: 'running',
        heartbeatAt: new Date(Date.now() - 3_600_000),
        domainId: eastDomain.id,
        createdBy: 'pm1',
        params: { input: { domain, format: 'vpasswd', content, dryRun: false }, actor: { kind: 'admin', id: pm1!.id, interface: 'rest', clientIp: null } },
        total: 5,
        processed: 2,
        succeeded: 1,
        failed: 1,
        checkpoint: { nextLine: 3 },
      },
    });
    const { job, report } = await waitForJob(districts.postmaster1, id);
    expect(job).toMatchObject({ status: 'succeeded', total: 5, processed: 5, succeeded: 3, failed: 2, percent: 100 });
    expect(report.rows.map((row: { row: number }) => row.row)).toEqual([4]);
    const created = await api.prisma.account.findMany({ where: { domainId: eastDomain.id }, select: { localPart: true }, orderBy: { localPart: 'asc' } });
    expect(created.map((a) => a.localPart)).toEqual(['fifth', 'third']);
  });
});

describe('vpopmail MySQL CSV import with aliases', () => {
  it('imports accounts of the domain, valias rows and .qmail forwards as aliases', async () => {
    const domain = 'west.district1.k12.us';
    const md5 = users[0]!;
    const csv = [
      'pw_name,pw_domain,pw_passwd,pw_uid,pw_gid,pw_gecos,pw_dir,pw_shell,pw_clear_passwd',
      `teacher,${domain},${md5.crypted},1,0,"Teacher, Ann",/x,NOQUOTA,`,
      `other,elsewhere.test,${md5.crypted},1,0,Other,/x,NOQUOTA,`,
    ].join('\n');
    const valias = `alias,domain,valias_line\noffice,${domain},&teacher@${domain}\noffice,${domain},boss@outside.test\n`;
    const qmailFiles = [
      { name: '.qmail-info', content: `teacher@${domain}\n|/usr/bin/autorespond 86400 3 message\n` },
      { name: '.qmail-teacher', content: `other@${domain}\n` },
    ];
    const { job, report } = await runImport(districts.postmaster1, '/migration/vpopmail', { domain, format: 'csv', content: csv, valias, qmailFiles });
    expect(job.status).toBe('succeeded');
    const account = await api.prisma.account.findUniqueOrThrow({ where: { address: `teacher@${domain}` } });
    expect(account.displayName).toBe('Teacher, Ann');
    const aliases = await api.prisma.alias.findMany({ where: { domain: { name: domain } }, orderBy: { localPart: 'asc' } });
    expect(aliases.map((a) => [a.localPart, a.targets])).toEqual([
      ['info', [`teacher@${domain}`]],
      ['office', [`teacher@${domain}`, 'boss@outside.test']],
    ]);
    const reasons = report.rows.map((row: { key: string; reason: string }) => `${row.key}: ${row.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining('belongs to elsewhere.test'),
        expect.stringContaining('runs a program'),
        expect.stringContaining(`teacher@${domain}: .qmail-teacher: the address is used by an account`),
      ]),
    );
  });
});
