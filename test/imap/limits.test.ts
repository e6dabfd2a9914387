/**
 * Connection-level limits of the IMAP listener, on a listener of its own (same store and
 * access as the engine) so the limits can be small: connections per client address and the
 * autologout timer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startImapListeners, type ImapListeners } from '@schoolmail/mail-engine';
import { RawImap } from '../support/imap.js';
import { mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
let listeners: ImapListeners;
const log: string[] = [];

beforeAll(async () => {
  mail = await startTestEngine();
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, 'fay@school.test');
  listeners = await startImapListeners(
    {
      store: mail.engine.store,
      access: mail.engine.access,
      tls: { key: Buffer.alloc(0), cert: Buffer.alloc(0), source: 'none' },
      log: (line) => log.push(line),
      allowPlainAuth: true,
      maxMessageBytes: () => 1024 * 1024,
      idleTimeoutMs: 700,
      maxLineBytes: 1024,
    },
    { host: '127.0.0.1', port: 0, connectionsPerClient: 2 },
  );
});
afterAll(async () => {
  await listeners?.close();
  await mail?.close();
});

it('greets a third connection from one address with BYE and closes it; a freed slot is usable again', async () => {
  const first = await RawImap.connect(listeners.ports.imap);
  const second = await RawImap.connect(listeners.ports.imap);
  const third = await RawImap.connect(listeners.ports.imap);
  expect(third.greeting).toMatch(/^\* BYE \[UNAVAILABLE\] Too many connections/);
  await third.waitClosed();
  first.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const fourth = await RawImap.connect(listeners.ports.imap);
  expect(fourth.greeting).toMatch(/^\* OK/);
  second.close();
  fourth.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
});

it('logs out a session idle for longer than the timer with BYE, idling ones too', async () => {
  const idler = await RawImap.connect(listeners.ports.imap);
  expect(await idler.login('fay@school.test')).toMatch(/^OK/);
  idler.send('I1 IDLE\r\n');
  await idler.line(/^\+ idling/);
  expect(await idler.line(/^\* BYE/, 3000)).toMatch(/^\* BYE Autologout/);
  await idler.waitClosed();

  const client = await RawImap.connect(listeners.ports.imap);
  expect(await client.login('fay@school.test')).toMatch(/^OK/);
  // Activity restarts the timer.
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect((await client.command('NOOP')).tagged).toMatch(/^OK/);
  expect(await client.line(/^\* BYE/, 3000)).toMatch(/^\* BYE Autologout/);
  await client.waitClosed();
});

it('applies its own line limit, and says so', async () => {
  const client = await RawImap.connect(listeners.ports.imap);
  const { tagged } = await client.command(`LOGIN ${'a'.repeat(2000)} b`);
  expect(tagged).toBe('BAD Command line too long (at most 1024 bytes)');
  client.close();
  expect(log).toEqual([]);
});
