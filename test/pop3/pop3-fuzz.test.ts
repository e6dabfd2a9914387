/**
 * Property-based bad input for POP3: random and malformed command lines, binary garbage,
 * overlong lines, odd line ends and unfinished lines, before and after login. Whatever is
 * sent, the server answers and ends the session cleanly when told to (or ends it itself),
 * never shows a stack trace, and a parallel session on the same engine is unaffected.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAIL_PASSWORD, mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';
import { deliver, RawPop3 } from './pop3-fixtures.js';

let engine: TestEngine;
let steady: RawPop3;

beforeAll(async () => {
  engine = await startTestEngine({ allowPlainAuth: true }, { authFailuresPerClient: 100_000, authFailuresPerAccount: 100_000 });
  await mailDomain(engine.prisma, 'fuzz.test');
  await mailbox(engine.prisma, 'fuzz@fuzz.test');
  await mailbox(engine.prisma, 'steady@fuzz.test');
  await deliver(engine, 'fuzz@fuzz.test', [{ subject: 'f1' }, { subject: 'f2', body: '.dot\r\nend' }]);
  await deliver(engine, 'steady@fuzz.test', [{ subject: 's1' }, { subject: 's2' }]);
  steady = (await RawPop3.open(engine.ports.pop3)).client;
  await steady.command('USER steady@fuzz.test');
  expect(await steady.command(`PASS ${MAIL_PASSWORD}`)).toMatch(/^\+OK/);
});

afterAll(async () => {
  steady?.close();
  await engine?.close();
});

const keyword = fc.constantFrom('USER', 'PASS', 'APOP', 'AUTH', 'STLS', 'CAPA', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'LAST', 'retr', 'Top', 'QUI', 'XTND');
const argument = fc.oneof(
  fc.nat({ max: 5 }).map(String),
  fc.integer({ min: -3, max: 999_999_999_999 }).map(String),
  fc.string({ maxLength: 24 }),
  fc.constantFrom('PLAIN', 'LOGIN', '=', '*', 'AGZ1enpAZnV6ei50ZXN0AHdyb25n', '1 2 3', '\u0000', '\u00ff\u00fe'),
);
const commandLine = fc.tuple(keyword, fc.array(argument, { maxLength: 3 })).map(([verb, args]) => [verb, ...args].join(' '));
const garbage = fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
const overlong = fc.integer({ min: 4_097, max: 40_000 }).map((length) => 'A'.repeat(length));
const line = fc.oneof({ weight: 5, arbitrary: commandLine }, { weight: 2, arbitrary: garbage }, { weight: 1, arbitrary: overlong }, { weight: 1, arbitrary: fc.constant('') });
const payload = fc.array(fc.tuple(line, fc.constantFrom('\r\n', '\n', '\r', '')), { maxLength: 12 }).map((lines) => lines.map(([text, end]) => text + end).join(''));

/** Sends the payload (after a login when asked), then a line end, "*" and QUIT; answers what came back once the connection closed. */
function session(body: string, loggedIn: boolean): Promise<{ received: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(engine.ports.pop3, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, 8_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      // After STLS the server waits for a TLS handshake, and rightly ignores the rest sent in the clear (RFC 2595).
      if (received.includes('+OK begin TLS negotiation\r\n')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true });
    });
    const login = loggedIn ? `USER fuzz@fuzz.test\r\nPASS ${MAIL_PASSWORD}\r\n` : '';
    socket.write(Buffer.from(`${login}${body}\r\n*\r\nQUIT\r\n`, 'latin1'));
  });
}

it('answers -ERR or closes cleanly whatever it is sent, and other sessions carry on', async () => {
  await fc.assert(
    fc.asyncProperty(payload, fc.boolean(), async (body, loggedIn) => {
      const { received, closed } = await session(body, loggedIn);
      expect(closed).toBe(true);
      expect(received.startsWith('+OK ')).toBe(true);
      expect(received).not.toMatch(/\n\s+at |Error:|TypeError|undefined|NaN/);
    }),
    { numRuns: 80 },
  );
  expect(await steady.command('STAT')).toMatch(/^\+OK 2 \d+$/);
  expect(await steady.command('UIDL 1')).toMatch(/^\+OK 1 \d+\.\d+$/);
  expect(engine.log.filter((entry) => entry.startsWith('pop3:'))).toEqual([]);
});
