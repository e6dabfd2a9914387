/**
 * Remote POP sources through REST and GraphQL: who may manage them (admins in scope, the
 * mailbox owner for its own), validation as problem documents, the password sealed and never
 * shown, the audit trail, the collection state (failures, backoff) the engine records, and
 * the destinations remote POP may not reach (internal addresses, other ports): refused with
 * 422 unless the operator's allow list names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig, loadSecretKey, rpopDestinationSettings, SealedSecrets, startEngine, type RunningEngine } from '@schoolmail/mail-engine';
import { ApiClient, startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';
import { mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';

const JANE = 'jane@west.district1.k12.us';
const JOE = 'joe@district2.k12.us';

let api: TestApi;
let people: Districts;
let jane: ApiClient;

const base = (address: string) => `/accounts/${address}/rpop-sources`;
const valid = { host: 'pop.example.org', username: 'jane.remote', password: 'remote-secret-1' };

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, JANE, { password: 'jane-password-1' });
  await createMailbox(api, JOE);
  jane = await api.login(JANE, 'jane-password-1');
});
afterAll(() => api?.close());

describe('REST', () => {
  it('creates a source with defaults, seals the password and never returns it; lists, reads, changes and deletes it', async () => {
    const created = await people.westAdmin.post(base(JANE), valid);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ account: JANE, host: 'pop.example.org', port: 110, tls: 'starttls', username: 'jane.remote', intervalSeconds: 600, leaveOnServer: true, consecutiveFailures: 0, lastError: null, fetchedCount: 0 });
    expect(JSON.stringify(created.body)).not.toMatch(/remote-secret-1|password/i);
    const stored = await api.prisma.rpopSource.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.passwordSealed).not.toContain('remote-secret-1');
    expect(new SealedSecrets(loadSecretKey(api.config.dataDir)).open(stored.passwordSealed)).toBe('remote-secret-1');

    const list = await people.postmaster1.get(base(JANE));
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: number }) => s.id)).toEqual([created.body.id]);
    expect(JSON.stringify(list.body)).not.toMatch(/password/i);
    expect((await people.staff.get(`${base(JANE)}/${created.body.id}`)).body).toMatchObject({ id: created.body.id, host: 'pop.example.org' });

    const changed = await people.postmaster1.patch(`${base(JANE)}/${created.body.id}`, { tls: 'implicit', password: 'new-secret-2', leaveOnServer: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tls: 'implicit', port: 995, leaveOnServer: false });
    const resealed = await api.prisma.rpopSource.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(new SealedSecrets(loadSecretKey(api.config.dataDir)).open(resealed.passwordSealed)).toBe('new-secret-2');

    const audit = await api.prisma.auditEvent.findMany({ where: { subjectType: 'RpopSource', subjectId: String(created.body.id) }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.action, event.actorName])).toEqual([
      ['rpop-source.create', 'westadmin'],
      ['rpop-source.update', 'pm1'],
    ]);
    expect(JSON.stringify(audit.map((event) => [event.before, event.after]))).not.toMatch(/secret-1|secret-2|passwordSealed/);

    expect((await people.westAdmin.delete(`${base(JANE)}/${created.body.id}`)).status).toBe(204);
    expect((await people.westAdmin.get(`${base(JANE)}/${created.body.id}`)).status).toBe(404);
    expect(await api.prisma.auditEvent.count({ where: { action: 'rpop-source.delete', subjectId: String(created.body.id) } })).toBe(1);
  });

  it('answers invalid input with a problem document naming each field', async () => {
    const response = await people.postmaster1.post(base(JANE), { host: 'bad host!', port: 70000, tls: 'ssl', username: '', password: '', intervalSeconds: 5, colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['host', 'port', 'tls', 'username', 'password', 'intervalSeconds']));
    expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
    const noHost = await people.postmaster1.post(base(JANE), { username: 'x', password: 'y' });
    expect(noHost.status).toBe(400);
    expect(noHost.body.errors.map((e: { field: string }) => e.field)).toContain('host');
  });

  it('refuses a second source for the same remote user with 409', async () => {
    const input = { ...valid, username: 'twice' };
    expect((await people.postmaster1.post(base(JANE), input)).status).toBe(201);
    const again = await people.postmaster1.post(base(JANE), input);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already collects/);
  });

  it('answers 404 out of scope, for reads and writes alike', async () => {
    const mine = await people.postmaster1.post(base(JANE), { ...valid, username: 'scoped' });
    expect((await people.postmaster2.get(base(JANE))).status).toBe(404);
    expect((await people.postmaster2.get(`${base(JANE)}/${mine.body.id}`)).status).toBe(404);
    expect((await people.postmaster2.post(base(JANE), { ...valid, username: 'intruder' })).status).toBe(404);
    expect((await people.postmaster2.delete(`${base(JANE)}/${mine.body.id}`)).status).toBe(404);
    expect((await people.westAdmin.get(base(JOE))).status).toBe(404);
    // A source id of another account is not found under this one.
    expect((await people.staff.get(`${base(JOE)}/${mine.body.id}`)).status).toBe(404);
    expect((await people.staff.get(`${base(JANE)}/not-a-number`)).status).toBe(404);
  });

  it('lets the mailbox owner manage its own sources, and no one else\'s', async () => {
    const own = await jane.post(base(JANE), { ...valid, username: 'by-jane', tls: 'none', intervalSeconds: 300 });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ username: 'by-jane', tls: 'none', port: 110, intervalSeconds: 300 });
    expect((await jane.get(base(JANE))).body.items.map((s: { username: string }) => s.username)).toContain('by-jane');
    expect((await jane.patch(`${base(JANE)}/${own.body.id}`, { intervalSeconds: 900 })).body.intervalSeconds).toBe(900);
    expect((await jane.get(base(JOE))).status).toBe(404);
    expect((await jane.post(base(JOE), valid)).status).toBe(404);
    expect((await jane.delete(`${base(JANE)}/${own.body.id}`)).status).toBe(204);
  });
});

describe('GraphQL', () => {
  it('creates, lists and deletes a source, and has no password field to ask for', async () => {
    const created = await people.staff.graphql(
      `mutation($input: CreateRpopSourceInput!) { createRpopSource(account: "${JANE}", input: $input) { id host port tls leaveOnServer consecutiveFailures } }`,
      { input: { host: 'mail.example.net', username: 'gql', password: 'gql-secret-1', tls: 'implicit', leaveOnServer: false } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createRpopSource).toMatchObject({ host: 'mail.example.net', port: 995, tls: 'implicit', leaveOnServer: false, consecutiveFailures: 0 });
    const id = created.data.createRpopSource.id;
    const listed = await people.postmaster1.graphql(`{ rpopSources(account: "${JANE}") { items { id username lastError } } }`);
    expect(listed.data.rpopSources.items.map((s: { id: number }) => s.id)).toContain(id);
    const password = await people.staff.graphql(`{ rpopSource(account: "${JANE}", id: ${id}) { password } }`);
    expect(password.errors?.[0]?.message).toMatch(/password/);
    const invalid = await people.staff.graphql(`mutation { createRpopSource(account: "${JANE}", input: { host: "x y", username: "u", password: "p", tls: "ssl" }) { id } }`);
    expect(invalid.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const outOfScope = await people.postmaster2.graphql(`{ rpopSource(account: "${JANE}", id: ${id}) { id } }`);
    expect(outOfScope.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const deleted = await people.postmaster1.graphql(`mutation { deleteRpopSource(account: "${JANE}", id: ${id}) }`);
    expect(deleted.data.deleteRpopSource).toBe(true);
  });
});

describe('destinations remote POP may not reach (no allow list)', () => {
  const refusal = async (client: ApiClient, input: Record<string, unknown>) => {
    const response = await client.post(base(JANE), { ...valid, ...input });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    return response.body.errors as Array<{ field: string; message: string }>;
  };

  it('refuses internal addresses, and names resolving to one, naming the field and the address', async () => {
    expect(await refusal(jane, { host: '127.0.0.1' })).toEqual([{ field: 'host', message: 'host is a loopback address (127.0.0.1), which remote POP may not reach' }]);
    expect(await refusal(jane, { host: '10.0.0.5' })).toEqual([{ field: 'host', message: 'host is a private address (10.0.0.5), which remote POP may not reach' }]);
    expect(await refusal(jane, { host: '169.254.169.254' })).toEqual([{ field: 'host', message: 'host is a link-local address (169.254.169.254), which remote POP may not reach' }]);
    expect(await refusal(jane, { host: '::ffff:192.168.1.1' })).toEqual([{ field: 'host', message: 'host is a private address (::ffff:192.168.1.1), which remote POP may not reach' }]);
    const [byName] = await refusal(jane, { host: 'localhost' });
    expect(byName).toMatchObject({ field: 'host', message: expect.stringMatching(/^host resolves to a loopback address \((127\.0\.0\.1|::1)\), which remote POP may not reach$/) });
    expect(await api.prisma.rpopSource.count({ where: { host: { in: ['127.0.0.1', '10.0.0.5', '169.254.169.254', '::ffff:192.168.1.1', 'localhost'] } } })).toBe(0);
  });

  it('refuses ports other than 110 and 995, and says which are allowed', async () => {
    expect(await refusal(people.postmaster1, { port: 5432 })).toEqual([{ field: 'port', message: 'port 5432 is not allowed for remote POP; allowed: 110, 995' }]);
    expect(await refusal(people.postmaster1, { host: '10.0.0.5', port: 22 })).toEqual([
      { field: 'host', message: 'host is a private address (10.0.0.5), which remote POP may not reach' },
      { field: 'port', message: 'port 22 is not allowed for remote POP; allowed: 110, 995' },
    ]);
  });

  it('refuses a change to an internal host or another port, and leaves the source as it was', async () => {
    const created = await jane.post(base(JANE), { ...valid, username: 'moving' });
    expect(created.status).toBe(201);
    const toPrivate = await jane.patch(`${base(JANE)}/${created.body.id}`, { host: '192.168.0.10' });
    expect(toPrivate.status).toBe(422);
    expect(toPrivate.body.errors).toEqual([{ field: 'host', message: 'host is a private address (192.168.0.10), which remote POP may not reach' }]);
    const toPort = await jane.patch(`${base(JANE)}/${created.body.id}`, { port: 6379 });
    expect(toPort.status).toBe(422);
    expect(toPort.body.errors.map((e: { field: string }) => e.field)).toEqual(['port']);
    expect(await api.prisma.rpopSource.findUniqueOrThrow({ where: { id: created.body.id } })).toMatchObject({ host: 'pop.example.org', port: 110 });
    // A change that touches neither is not held up.
    expect((await jane.patch(`${base(JANE)}/${created.body.id}`, { intervalSeconds: 1200 })).status).toBe(200);
  });

  it('answers 404 before 422 out of scope, and UNPROCESSABLE through GraphQL', async () => {
    expect((await people.postmaster2.post(base(JANE), { ...valid, host: '10.0.0.5' })).status).toBe(404);
    const refused = await people.staff.graphql(`mutation { createRpopSource(account: "${JANE}", input: { host: "169.254.169.254", username: "u", password: "p" }) { id } }`);
    expect(refused.errors?.[0]?.extensions.code).toBe('UNPROCESSABLE');
    expect(refused.errors?.[0]?.message).toBe('host is a link-local address (169.254.169.254), which remote POP may not reach');
  });
});

describe('collection state shown by the API', () => {
  /** The test's remote POP server listens on loopback at a random port: allowed explicitly, as an operator would. */
  const loopbackAllowed = rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: '127.0.0.1', SCHOOLMAIL_RPOP_PORTS: '1-65535' });
  let remote: TestEngine;
  let engine: RunningEngine;
  let optedIn: TestApi;
  let optedInJane: ApiClient;

  beforeAll(async () => {
    remote = await startTestEngine({ allowPlainAuth: true });
    await mailDomain(remote.prisma, 'remote.test');
    await mailbox(remote.prisma, 'jane@remote.test');
    optedIn = await startTestApi({ rpopDestinations: loopbackAllowed });
    await seedDistricts(optedIn);
    await createMailbox(optedIn, JANE, { password: 'jane-password-1' });
    optedInJane = await optedIn.login(JANE, 'jane-password-1');
    engine = await startEngine({
      prisma: optedIn.prisma,
      config: {
        ...loadEngineConfig({}),
        hostname: 'mx.schoolmail.test',
        dataDir: optedIn.config.dataDir,
        smtpPort: 0,
        submissionPort: 0,
        pop3Port: 0,
        imapPort: 0,
        listenHost: '127.0.0.1',
        rpop: { pollMilliseconds: 150, concurrency: 2, timeoutMs: 5_000, destinations: loopbackAllowed },
      },
      log: () => undefined,
      queueWorkers: false,
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await optedIn?.close();
    await remote?.close();
  });

  it('shows the failures in a row, the remote server\'s answer and the backed-off next run after a wrong password', async () => {
    const input = { host: '127.0.0.1', port: remote.ports.pop3, tls: 'none', username: 'jane@remote.test', password: 'wrong-password', intervalSeconds: 60 };
    // Where the allow list does not name the test server, the same source is refused.
    const refused = await jane.post(base(JANE), input);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['host', 'port']);
    const created = await optedInJane.post(base(JANE), input);
    expect(created.status).toBe(201);
    const deadline = Date.now() + 10_000;
    let shown = created.body;
    while (shown.consecutiveFailures === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      shown = (await optedInJane.get(`${base(JANE)}/${created.body.id}`)).body;
    }
    expect(shown.consecutiveFailures).toBe(1);
    expect(shown.lastError).toMatch(/^PASS: -ERR \[AUTH\] /);
    expect(shown.lastSuccessAt).toBeNull();
    expect(new Date(shown.nextRunAt).getTime() - new Date(shown.lastRunAt).getTime()).toBeGreaterThanOrEqual(110_000);

    // Correcting the password clears the failures and tries again at once.
    const fixed = await optedInJane.patch(`${base(JANE)}/${created.body.id}`, { password: 'mail-password-1' });
    expect(fixed.body).toMatchObject({ consecutiveFailures: 0, lastError: null });
    let after = fixed.body;
    while (after.lastSuccessAt === null && Date.now() < deadline + 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      after = (await optedInJane.get(`${base(JANE)}/${created.body.id}`)).body;
    }
    expect(after).toMatchObject({ consecutiveFailures: 0, lastError: null });
    expect(after.lastSuccessAt).not.toBeNull();
  });
});
