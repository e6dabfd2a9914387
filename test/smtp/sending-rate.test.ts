/**
 * The class of service's sending rate (messages per hour) for authenticated senders, through
 * real sockets (Python's smtplib) on a real PostgreSQL: counted per AUTH account and per
 * message, refused at MAIL FROM with 451 4.7.1 leaving nothing behind, never applied to MX
 * mail, and shared by engines on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEffectiveSettings, startEngine } from '@schoolmail/mail-engine';
import { alias, codeOf, footprint, mailbox, mailDomain, message, pythonSmtp, startTestEngine, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let env: TestEngine;
const D = 'district1.k12.us';

beforeAll(async () => {
  env = await startTestEngine();
  await mailDomain(env.prisma, D);
  await env.prisma.classOfService.create({ data: { name: 'three-an-hour', sendingRatePerHour: 3 } });
  await mailbox(env.prisma, `teacher@${D}`);
});
afterAll(() => env?.close());

const submit = (user: string, recipients: string[], options: { sender?: string; port?: number } = {}) => {
  const sender = options.sender ?? user;
  return pythonSmtp({
    port: options.port ?? env.ports.submission,
    starttls: true,
    auth: { user, password: MAIL_PASSWORD },
    sender,
    recipients,
    message: message({ from: sender, to: recipients[0]! }),
  });
};

const mx = (sender: string, recipient: string) => pythonSmtp({ port: env.ports.smtp, sender, recipients: [recipient], message: message({ from: sender, to: recipient }) });


async function counted(address: string) {
  const rows = await env.prisma.sendingCounter.findMany({ where: { account: { address } } });
  return rows.reduce((total, row) => total + row.messages, 0);
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sending rate of the class of service', () => {
  it('counts each accepted message once (not per recipient) for the AUTH account, then refuses MAIL FROM with 451 4.7.1, keeping nothing and recording the refusal', async () => {
    const pupil = await mailbox(env.prisma, `pupil@${D}`, { classOfService: 'three-an-hour' });
    await alias(env.prisma, `pupil.nick@${D}`, [`pupil@${D}`]);
    // The number the effective-settings explanation shows is the one enforced.
    const settings = (await loadEffectiveSettings(env.prisma, [pupil.id])).get(pupil.id)!;
    expect(settings.sendingRatePerHour.reason).toMatch(/^Sending rate: 3 messages per hour - /);

    const sent = [
      await submit(`pupil@${D}`, [`teacher@${D}`, 'friend@example.com']), // two recipients, one message
      await submit(`pupil@${D}`, [`teacher@${D}`], { sender: `pupil.nick@${D}` }), // local only, as an alias
      await submit(`pupil@${D}`, ['friend@example.com']),
    ];
    expect(sent.map((result) => codeOf(result.reply('data')))).toEqual(['250 2.0.0', '250 2.0.0', '250 2.0.0']);
    expect(await counted(`pupil@${D}`)).toBe(3);

    const before = await footprint(env.prisma);
    const refused = await submit(`pupil@${D}`, ['friend@example.com']);
    const reply = refused.reply('mail')!;
    expect(codeOf(reply)).toBe('451 4.7.1');
    expect(reply.message).toBe('4.7.1 Sending limit of 3 messages per hour reached, try again later');
    expect(refused.reply('rcpt')).toBeUndefined();
    expect(refused.reply('data')).toBeUndefined();
    // Sent as the alias too: the account that logged in is the one limited.
    expect(codeOf((await submit(`pupil@${D}`, [`teacher@${D}`], { sender: `pupil.nick@${D}` })).reply('mail'))).toBe('451 4.7.1');
    expect(await footprint(env.prisma)).toEqual(before);
    expect(await counted(`pupil@${D}`)).toBe(3);
    const events = await until(
      'the refusals in MailEvent',
      () => env.prisma.mailEvent.findMany({ where: { kind: 'refused', detail: '451 4.7.1' } }),
      (rows) => rows.length === 2,
    );
    expect(events.map((event) => event.sender).sort()).toEqual([`pupil.nick@${D}`, `pupil@${D}`]);
  });

  it('leaves other accounts of the domain and MX mail to the limited account alone', async () => {
    await mailbox(env.prisma, `busy@${D}`, { classOfService: 'three-an-hour' });
    await mailbox(env.prisma, `staff@${D}`);
    for (let i = 0; i < 3; i++) expect(codeOf((await submit(`busy@${D}`, ['out@example.com'])).reply('data'))).toBe('250 2.0.0');
    expect(codeOf((await submit(`busy@${D}`, ['out@example.com'])).reply('mail'))).toBe('451 4.7.1');

    for (let i = 0; i < 5; i++) expect(codeOf((await submit(`staff@${D}`, ['out@example.com', `busy@${D}`])).reply('data'))).toBe('250 2.0.0');
    expect(await env.prisma.sendingCounter.count({ where: { account: { address: `staff@${D}` } } })).toBe(0);

    for (let i = 0; i < 4; i++) expect(codeOf((await mx('parent@example.org', `busy@${D}`)).reply('data'))).toBe('250 2.0.0');
    expect(await env.prisma.mailboxMessage.count({ where: { folder: { account: { address: `busy@${D}` } } } })).toBe(9);
    expect(await counted(`busy@${D}`)).toBe(3);
  });

  it('is one count for every engine on the database', async () => {
    await mailbox(env.prisma, `roamer@${D}`, { classOfService: 'three-an-hour' });
    // A second engine (its own caches and group commit) on the same database, as a second node.
    const peer = await startEngine({ prisma: env.prisma, config: { ...env.config }, log: () => undefined, queueWorkers: false });
    try {
      const viaPeer = { port: peer.ports.submission };
      expect(codeOf((await submit(`roamer@${D}`, ['a@example.com'])).reply('data'))).toBe('250 2.0.0');
      expect(codeOf((await submit(`roamer@${D}`, [`teacher@${D}`], viaPeer)).reply('data'))).toBe('250 2.0.0');
      expect(codeOf((await submit(`roamer@${D}`, ['b@example.com'])).reply('data'))).toBe('250 2.0.0');
      expect(codeOf((await submit(`roamer@${D}`, ['c@example.com'], viaPeer)).reply('mail'))).toBe('451 4.7.1');
      expect(codeOf((await submit(`roamer@${D}`, ['c@example.com'])).reply('mail'))).toBe('451 4.7.1');
    } finally {
      await peer.stop();
    }
  });

  it('applies a changed limit at once, also to an account it had refused', async () => {
    const cos = await env.prisma.classOfService.create({ data: { name: 'changing', sendingRatePerHour: 1 } });
    await mailbox(env.prisma, `mover@${D}`, { classOfService: 'changing' });
    expect(codeOf((await submit(`mover@${D}`, ['x@example.com'])).reply('data'))).toBe('250 2.0.0');
    expect(codeOf((await submit(`mover@${D}`, ['x@example.com'])).reply('mail'))).toBe('451 4.7.1');
    await env.prisma.classOfService.update({ where: { id: cos.id }, data: { sendingRatePerHour: 2 } });
    const next = await until('the raised limit', () => submit(`mover@${D}`, ['x@example.com']), (result) => codeOf(result.reply('data')) === '250 2.0.0');
    expect(codeOf(next.reply('mail'))).toBe('250 2.1.0');
    const refused = (await submit(`mover@${D}`, ['x@example.com'])).reply('mail')!;
    expect(refused.message).toBe('4.7.1 Sending limit of 2 messages per hour reached, try again later');
    await env.prisma.classOfService.update({ where: { id: cos.id }, data: { sendingRatePerHour: null } });
    await until('no limit', () => submit(`mover@${D}`, ['x@example.com']), (result) => codeOf(result.reply('data')) === '250 2.0.0');
  });
});
