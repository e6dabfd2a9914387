/**
 * Property-based bad input (fast-check): random and malformed command lines, overlong lines,
 * huge and unfinished literals, logged in or not. The server answers every complete command
 * with a well-formed response (BAD/NO/OK) or closes cleanly; it never shows a stack trace, and
 * a healthy session opened beforehand keeps working throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RawImap } from '../support/imap.js';
import { mailbox, mailDomain, message, startTestEngine, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
let healthy: RawImap;
const USER = 'fuzz@school.test';

beforeAll(async () => {
  // Plain authentication on the plain port keeps each run cheap (no TLS handshake per connection).
  mail = await startTestEngine({ allowPlainAuth: true });
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, USER);
  healthy = await RawImap.connect(mail.ports.imap);
  expect(await healthy.login(USER)).toMatch(/^OK/);
  const bytes = message({ from: USER, to: USER, subject: 'fuzz' });
  await healthy.command(`APPEND INBOX {${bytes.length}+}\r\n${bytes}`);
  expect((await healthy.command('SELECT INBOX')).tagged).toMatch(/^OK/);
});
afterAll(async () => {
  healthy?.close();
  await mail?.close();
});

const COMMANDS = ['CAPABILITY', 'NOOP', 'LOGIN', 'AUTHENTICATE', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'FETCH', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'EXPUNGE', 'UID FETCH', 'UID STORE', 'UID SEARCH', 'UID COPY', 'UID MOVE', 'UID EXPUNGE', 'UID', 'ID', 'ENABLE', 'NAMESPACE', 'SUBSCRIBE', 'CHECK', 'CLOSE', 'UNSELECT', 'IDLE', 'STARTTLS'];

const atom = fc.oneof(
  fc.constantFrom('INBOX', 'Trash', '1', '1:*', '*', '0', '4294967296', '1,2:3', 'FLAGS', '+FLAGS.SILENT', '(\\Seen)', '\\Deleted', 'BODY[]', 'BODY.PEEK[HEADER.FIELDS (Subject)]<0.10>', 'BODY[1.2.3.MIME]', 'ALL', 'OR', 'NOT', 'CHARSET', 'NIL', '""', '"a\\"b"', 'DONE', '*', '%', ']'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const argument: fc.Arbitrary<string> = fc.letrec<{ arg: string }>((tie) => ({
  arg: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.string({ maxLength: 10 }).map((s) => `"${s}"`),
    fc.array(tie('arg'), { maxLength: 4 }).map((items) => `(${items.join(' ')})`),
    fc.nat({ max: 20 }).map((n) => `{${n}}`),
    fc.nat({ max: 20 }).map((n) => `{${n}+}\r\n${'x'.repeat(n)}`),
  ),
})).arg;
const line = fc.tuple(fc.oneof(fc.constantFrom('a1', 'A.2', 'x'), fc.string({ maxLength: 6 })), fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 8 })), fc.array(argument, { maxLength: 6 })).map(([tag, command, args]) => `${tag} ${command}${args.length ? ' ' : ''}${args.join(' ')}\r\n`);
const input = fc.oneof(
  { weight: 6, arbitrary: fc.array(line, { minLength: 1, maxLength: 5 }).map((lines) => lines.join('')) },
  { weight: 1, arbitrary: fc.nat({ max: 200 }).map((n) => `a1 LIST "" ${'*'.repeat(70 * 1024 + n)}\r\n`) },
  { weight: 1, arbitrary: fc.constantFrom('a1 APPEND INBOX {999999999}\r\n', 'a1 APPEND INBOX {999999999+}\r\n', 'a1 LOGIN {99999999}\r\n', 'a1 SELECT {70000+}\r\n') },
  { weight: 1, arbitrary: fc.nat({ max: 100 }).map((n) => `a1 APPEND INBOX {${n + 50}+}\r\n${'y'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
);

/** The response lines outside literal data; false when a line is not an IMAP response. */
function wellFormed(received: string): boolean {
  let at = 0;
  while (at < received.length) {
    const end = received.indexOf('\r\n', at);
    if (end < 0) return true; // an incomplete last line (connection closed mid-write)
    const text = received.slice(at, end);
    if (!/^(\* |\+ ?|[^\s]+ (OK|NO|BAD)( |$))/.test(text)) return false;
    at = end + 2;
    const literal = /\{(\d+)\}$/.exec(text);
    if (literal) at += Number(literal[1]);
  }
  return true;
}

it('answers random and malformed input with BAD/NO or a clean close, never crashes, and other sessions keep working', async () => {
  await fc.assert(
    fc.asyncProperty(input, fc.boolean(), async (text, logIn) => {
      const client = await RawImap.connect(mail.ports.imap);
      if (logIn) expect(await client.login(USER)).toMatch(/^OK/);
      const before = client.unread.length;
      client.send(Buffer.from(text, 'latin1'));
      client.send('\r\nZZ9 NOOP\r\n');
      // Either the probe is answered, the server closed, or it is (rightly) still reading a literal.
      await client.line(/^ZZ9 /, 1500).catch(() => undefined);
      const received = client.unread.slice(before);
      client.close();
      expect(received).not.toMatch(/\bat .*\.(ts|js):\d+|TypeError|ReferenceError|SERVERBUG/);
      expect(wellFormed(received), received.slice(0, 500)).toBe(true);
      expect((await healthy.command('NOOP')).tagged).toMatch(/^OK/);
    }),
    { numRuns: 80, interruptAfterTimeLimit: 120_000 },
  );
  expect((await healthy.command('UID FETCH 1:* (FLAGS)')).tagged).toMatch(/^OK/);
  expect(mail.log.filter((l) => l.startsWith('imap '))).toEqual([]);
}, 180_000);
