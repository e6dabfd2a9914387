import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEngine } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { message as rfcMessage, pythonSmtp } from '../support/smtp.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startEngineFor } from './migration-support.js';

const DOMAIN = 'district2.k12.us';

let api: TestApi;
let districts: Districts;
let engine: RunningEngine;
let oldPlatform: SmtpSink;

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  oldPlatform = await startSmtpSink('accept');
  engine = await startEngineFor(api, { queueWorkers: true });
  const created = await districts.postmaster2.post(`/domains/${DOMAIN}/accounts`, { localPart: 'moved', password: 'relocated-Passw0rd' });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await engine?.stop();
  await oldPlatform?.close();
  await api?.close();
});

const sendTo = (recipient: string) =>
  pythonSmtp({ port: engine.ports.smtp, sender: 'parent@outside.test', recipients: [recipient], message: rfcMessage({ from: 'parent@outside.test', to: recipient, subject: `for ${recipient}` }) });

describe('a domain migrating at its own pace', () => {
  it('is live by default and refuses mail for addresses without an account', async () => {
    expect((await districts.postmaster2.get(`/migration/domains/${DOMAIN}`)).body).toEqual({ domain: DOMAIN, state: 'live', forwardTo: null });
    const refused = await sendTo(`before@${DOMAIN}`);
    expect(refused.reply('rcpt')?.code).toBe(550);
  });

  it('needs the old platform\'s address to start migrating, and only the domain\'s administrators may set it', async () => {
    const missing = await districts.postmaster2.patch(`/migration/domains/${DOMAIN}`, { state: 'migrating' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'forwardTo' })]);
    const badHop = await districts.postmaster2.patch(`/migration/domains/${DOMAIN}`, { state: 'migrating', forwardTo: 'not a host:99999' });
    expect(badHop.status).toBe(400);
    const foreign = await districts.postmaster1.patch(`/migration/domains/${DOMAIN}`, { state: 'migrating', forwardTo: oldPlatform.nextHop });
    expect(foreign.status).toBe(404);
    const set = await districts.postmaster2.patch(`/migration/domains/${DOMAIN}`, { state: 'migrating', forwardTo: oldPlatform.nextHop });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ domain: DOMAIN, state: 'migrating', forwardTo: oldPlatform.nextHop });
    const audit = await api.prisma.auditEvent.findFirst({ where: { action: 'domain.migration' } });
    expect(audit).not.toBeNull();
  });

  it('while migrating, forwards mail for addresses not imported yet to the old platform and delivers the others here', async () => {
    const forwarded = await sendTo(`notyet@${DOMAIN}`);
    expect(forwarded.reply('rcpt')?.code).toBe(250);
    expect(forwarded.reply('data')?.code).toBe(250);
    await oldPlatform.waitFor(() => oldPlatform.received.some((t) => t.to.includes(`notyet@${DOMAIN}`)), 30_000);

    const local = await sendTo(`moved@${DOMAIN}`);
    expect(local.reply('data')?.code).toBe(250);
    const inbox = await api.prisma.mailboxFolder.findFirstOrThrow({ where: { account: { address: `moved@${DOMAIN}` }, name: 'INBOX' }, include: { messages: true } });
    expect(inbox.messages).toHaveLength(1);
    expect(oldPlatform.received.some((t) => t.to.includes(`moved@${DOMAIN}`))).toBe(false);
  });

  it('answers the same through GraphQL, within the same scope', async () => {
    const read = await districts.postmaster2.graphql(`query { domainMigration(domain: "${DOMAIN}") { domain state forwardTo } }`);
    expect(read.data.domainMigration).toEqual({ domain: DOMAIN, state: 'migrating', forwardTo: oldPlatform.nextHop });
    const foreign = await districts.postmaster1.graphql(`mutation { setDomainMigration(domain: "${DOMAIN}", state: "live") { state } }`);
    expect(foreign.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('once live, refuses unknown addresses again', async () => {
    const live = await districts.postmaster2.patch(`/migration/domains/${DOMAIN}`, { state: 'live' });
    expect(live.body).toMatchObject({ state: 'live' });
    const refused = await sendTo(`after@${DOMAIN}`);
    expect(refused.reply('rcpt')?.code).toBe(550);
  });
});
