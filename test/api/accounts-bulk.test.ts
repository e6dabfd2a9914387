import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox, MAILBOX_PASSWORD, preHashed } from '../support/accounts.js';
import { pythonImap } from '../support/imap.js';
import { startEngineFor } from '../migration/migration-support.js';

let api: TestApi;
let people: Districts;
let hash: string;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  hash = await preHashed();
  await createMailbox(people.postmaster1, WEST, { localPart: 'existing' });
  const west = await api.prisma.domain.findUniqueOrThrow({ where: { name: WEST } });
  await api.prisma.address.create({ data: { address: `sales@${WEST}`, kind: 'alias', domainId: west.id } });
});
afterAll(() => api?.close());

const countIn = (domain: string) => api.prisma.account.count({ where: { domain: { name: domain } } });

/** Written by `doveadm pw -s ARGON2ID` / `-s ARGON2I -p Dovecot-Passw0rd` (Dovecot 2.3.19, Debian 12), default parameters. */
const DOVECOT_PASSWORD = 'Dovecot-Passw0rd';
const DOVECOT_ARGON2ID = '{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$eeb3f85Qrrfjf+tXDIOuvQ$7jxltTnLc3ivmZaFKL+aNGXP/iH50CA70w88e4ByUX8';
const DOVECOT_ARGON2I = '{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$7p4l8wcedfLC0fzf8kvcBA$JffOdk2Ze66i9HO1wVcn1vIxbUMH6/s79aNE6LuUwog';

describe('bulk provisioning', () => {
  it('creates the good rows and reports the bad one in the middle, with one audit event', async () => {
    const response = await people.westAdmin.post(`/domains/${WEST}/accounts/bulk`, {
      accounts: [
        { localPart: 'b1', passwordHash: hash, displayName: 'B "One", \\ {x} NULL' },
        { localPart: 'b2', password: MAILBOX_PASSWORD, services: { imap: false } },
        { localPart: 'bad local', passwordHash: hash },
        { localPart: 'b4', passwordHash: hash, status: 'suspended' },
        { localPart: 'b5', passwordHash: '{MD5}abc' },
        { localPart: 'b6', passwordHash: hash, classOfService: 'missing' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 3, failed: 3 });
    expect(response.body.results).toEqual([
      { index: 0, address: `b1@${WEST}`, status: 'created' },
      { index: 1, address: `b2@${WEST}`, status: 'created' },
      { index: 2, address: `bad local@${WEST}`, status: 'error', error: { field: 'localPart', message: expect.stringContaining('not a valid local part'), code: 'BAD_USER_INPUT' } },
      { index: 3, address: `b4@${WEST}`, status: 'created' },
      { index: 4, address: `b5@${WEST}`, status: 'error', error: { field: 'passwordHash', message: expect.any(String), code: 'BAD_USER_INPUT' } },
      { index: 5, address: `b6@${WEST}`, status: 'error', error: { field: 'classOfService', message: expect.stringContaining('missing'), code: 'BAD_USER_INPUT' } },
    ]);
    const b2 = await people.westAdmin.get(`/accounts/b2@${WEST}`);
    expect(b2.body.services.imap).toBe(false);
    expect((await people.westAdmin.get(`/accounts/b4@${WEST}`)).body.status).toBe('suspended');
    const b1 = await people.westAdmin.get(`/accounts/b1@${WEST}`);
    expect(b1.body.displayName).toBe('B "One", \\ {x} NULL');
    expect(Math.abs(Date.parse(b1.body.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(b1.body.updatedAt).toBe(b1.body.createdAt);
    expect(await api.prisma.address.count({ where: { address: { in: [`b1@${WEST}`, `b2@${WEST}`, `b4@${WEST}`] }, kind: 'account' } })).toBe(3);
    // Plain passwords were hashed, pre-hashed ones kept: both owners can sign in.
    expect((await api.login(`b1@${WEST}`, MAILBOX_PASSWORD)).token).toBeTruthy();
    expect((await api.login(`b2@${WEST}`, MAILBOX_PASSWORD)).token).toBeTruthy();

    const audit = await people.staff.get('/audit-events?action=account.bulk-create');
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorName: 'westadmin', subjectId: WEST, outcome: 'success' });
    expect(audit.body.items[0].after).toMatchObject({ count: 3, failed: 3, addresses: [`b1@${WEST}`, `b2@${WEST}`, `b4@${WEST}`] });
    expect(JSON.stringify(audit.body.items[0])).not.toContain('SCRYPT');
  });

  it('refuses duplicates within the batch and against existing accounts and aliases', async () => {
    const response = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, {
      accounts: [
        { localPart: 'dup', passwordHash: hash },
        { localPart: 'DUP', passwordHash: hash },
        { localPart: 'existing', passwordHash: hash },
        { localPart: 'sales', passwordHash: hash },
        { localPart: 'fresh', passwordHash: hash },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 2, failed: 3 });
    const errors = response.body.results.map((r: { status: string; error?: { code: string; field: string; message: string } }) => r.error ?? r.status);
    expect(errors[0]).toBe('created');
    expect(errors[1]).toMatchObject({ code: 'CONFLICT', field: 'localPart', message: expect.stringContaining('row 0') });
    expect(errors[2]).toMatchObject({ code: 'CONFLICT', field: 'localPart', message: expect.stringContaining('account') });
    expect(errors[3]).toMatchObject({ code: 'CONFLICT', field: 'localPart', message: expect.stringContaining('alias') });
    expect(errors[4]).toBe('created');
  });

  it('writes nothing in atomic mode when any row fails, and everything when none does', async () => {
    const before = await countIn(EAST);
    const conflict = await people.postmaster1.post(`/domains/${EAST}/accounts/bulk`, {
      atomic: true,
      accounts: [
        { localPart: 'at1', passwordHash: hash },
        { localPart: 'at2', passwordHash: hash },
        { localPart: 'at1', passwordHash: hash },
      ],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body.errors).toEqual([
      { field: 'accounts.2.localPart', message: expect.stringContaining('earlier in this batch'), index: 2, address: `at1@${EAST}`, code: 'CONFLICT' },
    ]);
    const invalid = await people.postmaster1.post(`/domains/${EAST}/accounts/bulk`, {
      atomic: true,
      accounts: [{ localPart: 'at3', passwordHash: hash }, { localPart: 'at4' }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0]).toMatchObject({ field: 'accounts.1.password', index: 1 });
    expect(await countIn(EAST)).toBe(before);
    expect(await api.prisma.address.count({ where: { address: { startsWith: 'at' } } })).toBe(0);

    const ok = await people.postmaster1.post(`/domains/${EAST}/accounts/bulk`, {
      atomic: true,
      accounts: [{ localPart: 'at1', passwordHash: hash }, { localPart: 'at2', passwordHash: hash }],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ created: 2, failed: 0 });
    expect(await countIn(EAST)).toBe(before + 2);
  });

  it('refuses more than 10,000 rows, an empty list and a malformed body, naming accounts', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ localPart: `over${i}`, passwordHash: hash }));
    const over = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, { accounts: rows });
    expect(over.status).toBe(413);
    expect(over.body.errors[0].field).toBe('accounts');
    const empty = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, { accounts: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('accounts');
    const notArray = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, { accounts: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.errors[0].field).toBe('accounts');
    expect(await api.prisma.account.count({ where: { localPart: { startsWith: 'over' } } })).toBe(0);
  });

  it('answers 404 outside the scope and 403 for a mailbox owner', async () => {
    const body = { accounts: [{ localPart: 'intruder', passwordHash: hash }] };
    expect((await people.westAdmin.post(`/domains/${EAST}/accounts/bulk`, body)).status).toBe(404);
    expect((await people.postmaster2.post(`/domains/${WEST}/accounts/bulk`, body)).status).toBe(404);
    const owner = await api.login(`existing@${WEST}`, MAILBOX_PASSWORD);
    expect((await owner.post(`/domains/${WEST}/accounts/bulk`, body)).status).toBe(403);
    expect(await api.prisma.account.count({ where: { localPart: 'intruder' } })).toBe(0);
  });

  it('gives the same per-row results through GraphQL', async () => {
    const result = await people.postmaster1.graphql(
      `mutation($accounts: [CreateAccountInput!]!) { bulkCreateAccounts(domain: "${EAST}", accounts: $accounts) { created failed results { index address status error { field code message } } } }`,
      { accounts: [{ localPart: 'g1', passwordHash: hash }, { localPart: 'g 2', passwordHash: hash }] },
    );
    expect(result.data.bulkCreateAccounts).toMatchObject({
      created: 1,
      failed: 1,
      results: [
        { index: 0, address: `g1@${EAST}`, status: 'created', error: null },
        { index: 1, status: 'error', error: { field: 'localPart', code: 'BAD_USER_INPUT' } },
      ],
    });
    const atomic = await people.postmaster1.graphql(
      `mutation($accounts: [CreateAccountInput!]!) { bulkCreateAccounts(domain: "${EAST}", accounts: $accounts, atomic: true) { created } }`,
      { accounts: [{ localPart: 'g1', passwordHash: hash }] },
    );
    expect(atomic.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it('takes Dovecot {ARGON2ID} and {ARGON2I} hashes, whose owners then log in over IMAP, and refuses absurd Argon2 costs by name', async () => {
    const absurd = DOVECOT_ARGON2ID.replace('m=65536', 'm=4194304');
    const response = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, {
      accounts: [
        { localPart: 'argon-id', passwordHash: DOVECOT_ARGON2ID },
        { localPart: 'argon-i', passwordHash: DOVECOT_ARGON2I },
        { localPart: 'argon-huge', passwordHash: absurd },
        { localPart: 'argon-slow', passwordHash: DOVECOT_ARGON2ID.replace('t=3', 't=5000') },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      { index: 0, address: `argon-id@${WEST}`, status: 'created' },
      { index: 1, address: `argon-i@${WEST}`, status: 'created' },
      { index: 2, address: `argon-huge@${WEST}`, status: 'error', error: { field: 'passwordHash', message: expect.stringMatching(/m=4194304 KiB.*at most 262144 KiB/), code: 'BAD_USER_INPUT' } },
      { index: 3, address: `argon-slow@${WEST}`, status: 'error', error: { field: 'passwordHash', message: expect.stringContaining('t=5000'), code: 'BAD_USER_INPUT' } },
    ]);
    const single = await people.postmaster1.post(`/domains/${WEST}/accounts`, { localPart: 'argon-huge', passwordHash: absurd });
    expect(single.status).toBe(400);
    expect(single.body.errors).toEqual([expect.objectContaining({ field: 'passwordHash', message: expect.stringContaining('m=4194304 KiB') })]);
    const atomic = await people.postmaster1.post(`/domains/${WEST}/accounts/bulk`, { atomic: true, accounts: [{ localPart: 'argon-huge', passwordHash: absurd }] });
    expect(atomic.status).toBe(400);
    expect(atomic.body.errors[0]).toMatchObject({ field: 'accounts.0.passwordHash', message: expect.stringContaining('m=4194304 KiB') });
    expect(await api.prisma.account.count({ where: { localPart: { in: ['argon-huge', 'argon-slow'] } } })).toBe(0);

    const engine = await startEngineFor(api);
    try {
      for (const localPart of ['argon-id', 'argon-i']) {
        const address = `${localPart}@${WEST}`;
        const wrong = await pythonImap({ port: engine.ports.imap, user: address, password: 'Dovecot-Passw0rd!', steps: [] });
        expect(wrong.error ?? wrong.step('login').error, address).toBeTruthy();
        const session = await pythonImap({ port: engine.ports.imap, user: address, password: DOVECOT_PASSWORD, steps: [['select', 'INBOX']] });
        expect(session.error, address).toBeUndefined();
        expect(session.step('login').typ, address).toBe('OK');
        expect(session.step('select').typ, address).toBe('OK');
        // Like every foreign scheme, upgraded to the current one by the successful login.
        const stored = await api.prisma.account.findUniqueOrThrow({ where: { address } });
        expect(stored.passwordHash.startsWith('{SCRYPT}$'), address).toBe(true);
      }
    } finally {
      await engine.stop();
    }
  });

  it('provisions 10,000 pre-hashed accounts in one call quickly (figure printed, not timed)', async () => {
    await people.staff.post('/domains', { name: 'bulk.k12.us' });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ localPart: `student${i}`, passwordHash: hash, displayName: `Student ${i}` }));
    const started = performance.now();
    const response = await people.staff.post('/domains/bulk.k12.us/accounts/bulk', { accounts: rows });
    const seconds = (performance.now() - started) / 1000;
    console.log(`bulk: 10,000 accounts in ${seconds.toFixed(2)} s = ${Math.round(10_000 / seconds)} accounts/s`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 10_000, failed: 0 });
    expect(await countIn('bulk.k12.us')).toBe(10_000);
    expect(await api.prisma.address.count({ where: { domain: { name: 'bulk.k12.us' } } })).toBe(10_000);
  });
});
