/**
 * The word lists SMTP applies, set up through the API by the people who may set them, mail
 * through a real SMTP client (Python's smtplib) to the engine on the same database, and the
 * API's dry run (POST /word-lists/test) giving the same answer:
 * - a list applied through a class of service;
 * - acceptance-policy waivers: a district's whitelisted sender or trusted network skips the
 *   district's own lists, never the platform's system lists; staff's server policy skips
 *   everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineConfig, startEngine, type RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';
import { codeOf, message, pythonSmtp } from '../support/smtp.js';

const D1 = 'district1.k12.us';
const STUDENT = `student@west.${D1}`;
const PARTNER = 'news@partner.example';

let api: TestApi;
let people: Districts;
let engine: RunningEngine;

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, STUDENT);
  const created = async (response: Promise<{ status: number; body: unknown }>) => expect((await response).status).toBe(201);
  await created(people.staff.post('/word-lists', { name: 'Platform filter', scope: 'system', action: 'reject', direction: 'inbound', entries: ['systemword'] }));
  await created(people.postmaster1.post('/word-lists', { name: 'District filter', scope: 'domain', domain: D1, action: 'reject', entries: ['districtword'] }));
  engine = await startEngine({
    prisma: api.prisma,
    config: {
      ...loadEngineConfig({}),
      hostname: 'mx.schoolmail.test',
      dataDir: api.config.dataDir,
      smtpPort: 0,
      submissionPort: 0,
      pop3Port: 0,
      imapPort: 0,
      listenHost: '127.0.0.1',
    },
    log: () => undefined,
    queueWorkers: false,
  });
});
afterAll(async () => {
  await engine?.stop();
  await api?.close();
});

/** The DATA reply to a message from `sender` to `to` (the student) through the MX (the client is 127.0.0.1). */
async function send(sender: string, body: string, to = STUDENT) {
  const result = await pythonSmtp({ port: engine.ports.smtp, sender, recipients: [to], message: message({ from: sender, to, body }) });
  return codeOf(result.reply('data'));
}

interface DryRun {
  action: string | null;
  matches: Array<{ listName: string; entry: string | null; action: string }>;
  checked: Array<{ name: string; scope: string; action: string }>;
  waived: Array<{ name: string; reason: string }>;
}

/** The API's dry run for the same message, sender and client. */
async function dryRun(sender: string, body: string, account = STUDENT, client = people.postmaster1): Promise<DryRun> {
  const response = await client.post('/word-lists/test', { account, body, sender, clientIp: '127.0.0.1' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

describe('a word list applied through a class of service', () => {
  it('is checked by the dry run with the action SMTP takes', async () => {
    const kid = 'kid@district2.k12.us';
    expect((await people.staff.post('/domains', { name: 'north.district2.k12.us', parent: 'district2.k12.us' })).status).toBe(201);
    const list = await people.postmaster2.post('/word-lists', { name: 'North filter', scope: 'domain', domain: 'north.district2.k12.us', action: 'reject', entries: ['cosword'] });
    expect(list.status).toBe(201);
    const cos = await people.postmaster2.post('/classes-of-service', {
      name: 'district2-students',
      domain: 'district2.k12.us',
      maxMessageSizeKb: 10_240,
      mailboxQuotaMb: 1_024,
      maxRecipients: 50,
      wordLists: [list.body.id],
    });
    expect(cos.status, JSON.stringify(cos.body)).toBe(201);
    await createMailbox(api, kid, { classOfService: 'district2-students' });

    // The kid's domain (district2) is not north: the list reaches the kid only through its class.
    expect(await send('someone@elsewhere.example', 'a cosword here', kid)).toBe('550 5.7.1');
    const run = await dryRun('someone@elsewhere.example', 'a cosword here', kid, people.postmaster2);
    expect(run.action).toBe('reject');
    expect(run.checked).toContainEqual(expect.objectContaining({ name: 'North filter', scope: 'domain', action: 'reject' }));
    expect(run.matches).toEqual([expect.objectContaining({ listName: 'North filter', entry: 'cosword', action: 'reject' })]);
    expect(await send('someone@elsewhere.example', 'nothing to see', kid)).toBe('250 2.0.0');
  });
});

describe('acceptance-policy waivers', () => {
  it('without any policy, both the system and the district list reject', async () => {
    expect(await send(PARTNER, 'a districtword here')).toBe('550 5.7.1');
    expect(await send(PARTNER, 'a systemword here')).toBe('550 5.7.1');
  });

  it("lets a postmaster's whitelisted sender skip the district's own list, never the system list", async () => {
    const put = await people.postmaster1.put(`/policies/domains/${D1}`, { whitelistedSenders: ['@partner.example'] });
    expect(put.status).toBe(201);
    expect(await send(PARTNER, 'a districtword here')).toBe('250 2.0.0');
    expect(await send(PARTNER, 'a systemword here')).toBe('550 5.7.1');
    // Someone else is not whitelisted: the district list still applies to them.
    expect(await send('someone@elsewhere.example', 'a districtword here')).toBe('550 5.7.1');

    const run = await dryRun(PARTNER, 'a districtword and a systemword');
    expect(run.action).toBe('reject');
    expect(run.checked.map((l) => l.name)).toEqual(['Platform filter']);
    expect(run.waived).toEqual([expect.objectContaining({ name: 'District filter', reason: `whitelisted sender @partner.example at domain ${D1}` })]);
  });

  it("refuses to let a postmaster trust the whole internet (400), and a trusted network still leaves the system list on", async () => {
    for (const wide of ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '10.0.0.0/7', '2001:db8::/31']) {
      const refused = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: ['192.0.2.0/24', wide] });
      expect(refused.status, wide).toBe(400);
      expect(refused.body.errors, wide).toEqual([{ field: 'trustedNetworks.1', message: expect.stringContaining('wider than an administrator below platform staff may trust') }]);
    }
    const graph = await people.postmaster1.graphql(`mutation { setAcceptancePolicy(level: "domain", target: "${D1}", input: { trustedNetworks: ["0.0.0.0/0"] }) { version } }`);
    expect(graph.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((await people.postmaster1.get(`/policies/domains/${D1}`)).body.trustedNetworks).toEqual([]);

    const put = await people.postmaster1.put(`/policies/domains/${D1}`, { trustedNetworks: ['127.0.0.0/8'] });
    expect(put.status).toBe(200);
    const anyone = 'someone@elsewhere.example';
    expect(await send(anyone, 'a districtword here')).toBe('250 2.0.0');
    expect(await send(anyone, 'a systemword here')).toBe('550 5.7.1');
    const run = await dryRun(anyone, 'a systemword');
    expect(run.action).toBe('reject');
    expect(run.waived).toEqual([expect.objectContaining({ name: 'District filter', reason: `trusted network 127.0.0.0/8 at domain ${D1}` })]);
  });

  it("lets staff's server policy skip every list, and staff may trust any network", async () => {
    const put = await people.staff.put('/policies/server', { whitelistedSenders: ['@partner.example'] });
    expect(put.status).toBe(201);
    expect(await send(PARTNER, 'a systemword and a districtword')).toBe('250 2.0.0');
    const run = await dryRun(PARTNER, 'a systemword and a districtword');
    expect(run.action).toBeNull();
    expect(run.waived.map((l) => `${l.name}: ${l.reason}`)).toEqual([
      'Platform filter: whitelisted sender @partner.example at server',
      'District filter: whitelisted sender @partner.example at server',
    ]);
    expect((await people.staff.put(`/policies/domains/${D1}`, { trustedNetworks: ['0.0.0.0/0'] })).status).toBe(200);
    expect((await people.staff.delete('/policies/server')).status).toBe(204);
    expect(await send(PARTNER, 'a systemword here')).toBe('550 5.7.1');
  });
});
