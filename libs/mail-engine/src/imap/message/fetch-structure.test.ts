import { describe, expect, it } from 'vitest';
import { bodyStructure } from './body-structure.js';
import { envelope } from './envelope.js';
import { serialize } from './imap-string.js';
import { parseMessage } from './parse-message.js';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const fetchText = (value: Parameters<typeof serialize>[0]) => serialize(value).toString('latin1');

/** Multipart/mixed: an alternative (QP text + HTML) and a base64 PDF attachment, with preamble and epilogue. */
const mixed = crlf(
  'From: "Doe, Jane" <jane@example.org>',
  'To: Bob <bob@example.com>, team: ann@example.com, (Carl C.) carl@example.com;',
  'Cc: undisclosed-recipients:;',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus',
  ' Berlin',
  'Date: Tue, 3 Nov 2026 23:30:00 -0800',
  'Message-ID: <m1@example.org>',
  'In-Reply-To: <m0@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  'This is a preamble.',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Caf=C3=A9 menu attached.',
  '',
  '--inner',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Caf&eacute; menu</p>',
  '',
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="menu.pdf"',
  'Content-Disposition: attachment; filename="menu.pdf"',
  'Content-Transfer-Encoding: base64',
  'Content-Language: en, de',
  'Content-Location: http://example.org/menu.pdf',
  '',
  'JVBERi0xLjQK',
  '--outer--',
  'Epilogue',
  '',
);

/** A forward: text plus the original as message/rfc822, LF line ends only. */
const forward = Buffer.from(
  [
    'From: a@example.org',
    'To: b@example.org',
    'Subject: Fwd: hello',
    'Content-Type: multipart/mixed; boundary=b1',
    '',
    '--b1',
    '',
    'see below',
    '--b1',
    'Content-Type: message/rfc822',
    'Content-Description: original message',
    '',
    'From: Carol <c@example.org>',
    'Subject: hello',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'inner body',
    'second line',
    '--b1--',
    '',
  ].join('\n'),
  'latin1',
);

describe('parseMessage', () => {
  it('finds every part with offsets that cut the raw message at the right bytes', () => {
    const tree = parseMessage(mixed);
    const [alternative, pdf] = tree.children;
    const [plain, html] = alternative!.children;
    const body = (part: typeof tree) => mixed.toString('latin1', part.bodyStart, part.bodyEnd);
    const header = (part: typeof tree) => mixed.toString('latin1', part.headerStart, part.bodyStart);
    expect(tree.children).toHaveLength(2);
    expect(body(plain!)).toBe('Caf=C3=A9 menu attached.\r\n');
    expect(header(plain!)).toBe('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    expect(body(html!)).toBe('<p>Caf&eacute; menu</p>\r\n');
    expect(body(pdf!)).toBe('JVBERi0xLjQK');
    expect(body(alternative!)).toMatch(/^--inner\r\n[\s\S]*--inner--$/);
    expect(tree.bodyEnd).toBe(mixed.length);
  });

  it('reads content fields, keeping case and unquoting parameters', () => {
    const tree = parseMessage(mixed);
    const pdf = tree.children[1]!;
    expect(pdf.contentType).toEqual({ type: 'application', subtype: 'pdf', params: [['name', 'menu.pdf']] });
    expect(pdf.disposition).toEqual({ type: 'attachment', params: [['filename', 'menu.pdf']] });
    expect(pdf.language).toEqual(['en', 'de']);
    expect(pdf.location).toBe('http://example.org/menu.pdf');
    expect(pdf.transferEncoding).toBe('base64');
    expect(tree.headers.first('SUBJECT')).toBe('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Berlin');
  });

  it('parses an encapsulated message with its own header and structure, with LF-only line ends', () => {
    const tree = parseMessage(forward);
    const attached = tree.children[1]!;
    expect(tree.children[0]!.contentType.subtype).toBe('plain');
    expect(attached.message).not.toBeNull();
    expect(attached.message!.headers.first('subject')).toBe('hello');
    expect(forward.toString('latin1', attached.message!.bodyStart, attached.message!.bodyEnd)).toBe('inner body\nsecond line');
    expect(attached.lines).toBe(5);
  });

  it('defaults to text/plain; charset=us-ascii, and to message/rfc822 inside a digest', () => {
    expect(parseMessage(crlf('Subject: x', '', 'hi')).contentType).toEqual({ type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] });
    const digest = parseMessage(crlf('Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'body', '--d--'));
    expect(digest.children[0]!.contentType).toMatchObject({ type: 'message', subtype: 'rfc822' });
    expect(digest.children[0]!.message!.headers.first('subject')).toBe('one');
  });

  it('ends the last part at the end of the message when the close delimiter is missing', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=x', '', '--x', '', 'first', '--x', '', 'unterminated', '');
    const tree = parseMessage(raw);
    expect(tree.children.map((part) => raw.toString('latin1', part.bodyStart, part.bodyEnd))).toEqual(['first', 'unterminated\r\n']);
  });

  it('does not take a longer boundary or a mid-line boundary for a delimiter', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=x', '', '--x', '', 'a --x b', '--xy', '--x  ', '', 'second', '--x--');
    const tree = parseMessage(raw);
    expect(tree.children.map((part) => raw.toString('latin1', part.bodyStart, part.bodyEnd))).toEqual(['a --x b\r\n--xy', 'second']);
  });

  it('degrades malformed input instead of failing', () => {
    const noBlankLine = parseMessage(crlf('Subject: only a header', 'From: a@b'));
    expect(noBlankLine.bodyStart).toBe(noBlankLine.bodyEnd);
    expect(noBlankLine.headers.first('from')).toBe('a@b');

    const garbage = parseMessage(crlf(' leading continuation', 'From someone@example.org Sat Nov 28 10:00:00 2026', 'no colon here', 'Subject : spaced', 'Content-Type: garbage', '', 'body'));
    expect(garbage.headers.fields.map((field) => field.name)).toEqual(['subject', 'content-type']);
    expect(garbage.headers.first('subject')).toBe('spaced');
    expect(garbage.contentType.subtype).toBe('plain');

    const noBoundary = parseMessage(crlf('Content-Type: multipart/mixed', '', 'text'));
    expect(noBoundary.children).toEqual([]);
    expect(parseMessage(Buffer.alloc(0)).bodyEnd).toBe(0);
  });

  it('stops at Dovecot\'s limit of 10 000 parts', () => {
    const lines = ['Content-Type: multipart/mixed; boundary=o', ''];
    for (let outer = 0; outer < 3; outer++) {
      lines.push('--o', 'Content-Type: multipart/mixed; boundary=i', '');
      for (let inner = 0; inner < 6000; inner++) lines.push('--i', '', 'x');
    }
    const tree = parseMessage(crlf(...lines));
    const count = (part: typeof tree): number => 1 + part.children.reduce((sum, child) => sum + count(child), 0);
    expect(count(tree)).toBe(10_000);
  });

  it('stops nesting at Dovecot\'s depth limit rather than overflowing the stack', () => {
    const depth = 300;
    const lines: string[] = [];
    for (let level = 0; level < depth; level++) lines.push(`Content-Type: multipart/mixed; boundary=b${level}`, '', `--b${level}`);
    lines.push('', 'deep');
    const tree = parseMessage(crlf(...lines));
    let levels = 0;
    for (let part = tree; part.children[0]; part = part.children[0]) levels++;
    expect(levels).toBe(100);
  });
});

describe('ENVELOPE (RFC 3501 7.4.2)', () => {
  it('lists date, subject, addresses with groups, defaults sender and reply-to to from', () => {
    const from = '(("Doe, Jane" NIL "jane" "example.org"))';
    expect(fetchText(envelope(parseMessage(mixed)))).toBe(
      '("Tue, 3 Nov 2026 23:30:00 -0800" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Berlin" ' +
        `${from} ${from} ${from} ` +
        '(("Bob" NIL "bob" "example.com")(NIL NIL "team" NIL)(NIL NIL "ann" "example.com")("Carl C." NIL "carl" "example.com")(NIL NIL NIL NIL)) ' +
        '((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
        'NIL "<m0@example.org>" "<m1@example.org>")',
    );
  });

  it('writes NIL for absent fields and keeps explicit sender and reply-to', () => {
    const raw = crlf('From: a@example.org', 'Sender: s@example.org', 'Reply-To: <r@example.org>', '', 'x');
    expect(fetchText(envelope(parseMessage(raw)))).toBe(
      '(NIL NIL ((NIL NIL "a" "example.org")) ((NIL NIL "s" "example.org")) ((NIL NIL "r" "example.org")) NIL NIL NIL NIL NIL)',
    );
  });

  it('keeps 8-bit header bytes, sending them as literals', () => {
    const raw = Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9]), Buffer.from('\r\nFrom: Andr'), Buffer.from([0xe9]), Buffer.from(' <andre@example.org>\r\n\r\n')]);
    const out = serialize(envelope(parseMessage(raw)));
    expect(out.toString('latin1')).toBe('(NIL {4}\r\ncaf\xe9 (({5}\r\nAndr\xe9 NIL "andre" "example.org")) (({5}\r\nAndr\xe9 NIL "andre" "example.org")) (({5}\r\nAndr\xe9 NIL "andre" "example.org")) NIL NIL NIL NIL NIL)');
  });

  it('reads source routes, comments and addresses missing their parts the way Dovecot does', () => {
    const raw = crlf('From: <@relay1,@relay2:joe@example.org>', 'To: joe (Joe Bloggs), "quoted local"@example.org, <>', 'Cc: Friends:;', '', '');
    expect(fetchText(envelope(parseMessage(raw)))).toBe(
      '(NIL NIL ((NIL "@relay1,@relay2" "joe" "example.org")) ((NIL "@relay1,@relay2" "joe" "example.org")) ((NIL "@relay1,@relay2" "joe" "example.org")) ' +
        '(("Joe Bloggs" NIL "joe" "MISSING_DOMAIN")(NIL NIL "quoted local" "example.org")(NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN")) ' +
        '((NIL NIL "Friends" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)',
    );
  });
});

describe('BODY and BODYSTRUCTURE (RFC 3501 7.4.2)', () => {
  it('describes multipart/mixed with alternative and attachment, with extension data', () => {
    expect(fetchText(bodyStructure(parseMessage(mixed), true))).toBe(
      '(' +
        '(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 26 1 NIL NIL NIL NIL)' +
        '("text" "html" ("charset" "utf-8") NIL NIL "7bit" 25 1 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)' +
        '("application" "pdf" ("name" "menu.pdf") NIL NIL "base64" 12 NIL ("attachment" ("filename" "menu.pdf")) ("en" "de") "http://example.org/menu.pdf")' +
        ' "mixed" ("boundary" "outer") NIL NIL NIL)',
    );
  });

  it('leaves extension data out of BODY', () => {
    expect(fetchText(bodyStructure(parseMessage(mixed), false))).toBe(
      '((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 26 1)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 25 1) "alternative")' +
        '("application" "pdf" ("name" "menu.pdf") NIL NIL "base64" 12) "mixed")',
    );
  });

  it('describes message/rfc822 with the inner envelope, structure and line count', () => {
    expect(fetchText(bodyStructure(parseMessage(forward), true))).toBe(
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 9 0 NIL NIL NIL NIL)' +
        '("message" "rfc822" NIL NIL "original message" "7bit" 109 ' +
        '(NIL "hello" (("Carol" NIL "c" "example.org")) (("Carol" NIL "c" "example.org")) (("Carol" NIL "c" "example.org")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 22 1 NIL NIL NIL NIL) 5 NIL NIL NIL NIL)' +
        ' "mixed" ("boundary" "b1") NIL NIL NIL)',
    );
  });

  it('describes a plain non-MIME message with the RFC defaults', () => {
    expect(fetchText(bodyStructure(parseMessage(crlf('Subject: hi', '', 'line one', 'line two', '')), true))).toBe(
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 20 2 NIL NIL NIL NIL)',
    );
  });

  it('stands in Dovecot\'s empty text part for a multipart without parts', () => {
    const tree = parseMessage(crlf('Content-Type: multipart/mixed; boundary=z', '', 'no parts here'));
    expect(fetchText(bodyStructure(tree, false))).toBe('(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "mixed")');
    expect(fetchText(bodyStructure(tree, true))).toBe(
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "z") NIL NIL NIL)',
    );
  });

  it('adds the default charset to text parts without one, and reads the encoding as a token', () => {
    const raw = crlf(
      'Content-Type: text/html; format=flowed',
      'Content-Transfer-Encoding: Base64 (why not)',
      'Content-ID: <part1@example.org>',
      'Content-Description: a page',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      'Content-Disposition: inline',
      '',
      'PGI+aGk8L2I+',
    );
    expect(fetchText(bodyStructure(parseMessage(raw), true))).toBe(
      '("text" "html" ("format" "flowed" "charset" "us-ascii") "<part1@example.org>" "a page" "Base64" 12 0 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" NIL) NIL NIL)',
    );
  });

  it('merges RFC 2231 continuations as Dovecot does, leaving numbering with gaps as written', () => {
    const raw = crlf(
      'Content-Type: application/pdf; name*0="annual "; name*1="report.pdf"',
      'Content-Disposition: attachment; filename*0*=utf-8\'\'%E2%82%AC; filename*1="100%.pdf"; x*0=a; x*2=c',
      '',
      '',
    );
    expect(fetchText(bodyStructure(parseMessage(raw), true))).toBe(
      '("application" "pdf" ("name" "annual report.pdf") NIL NIL "7bit" 0 NIL ' +
        '("attachment" ("filename*" "utf-8\'\'%E2%82%AC100%25.pdf" "x*0" "a" "x*2" "c")) NIL NIL)',
    );
  });

  it('describes a base64-encoded message/rfc822 as a basic part, as Dovecot does', () => {
    const raw = crlf('Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQp5');
    expect(fetchText(bodyStructure(parseMessage(raw), false))).toBe('("message" "rfc822" NIL NIL NIL "base64" 20)');
  });
});
