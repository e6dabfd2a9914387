import { describe, expect, it } from 'vitest';
import { extractScannableText } from './extract.js';
import { htmlToScannableText } from './html-text.js';
import { compileWordLists } from '../policy/matcher.js';

const message = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('scannable text of a message', () => {
  it('decodes the subject, both alternatives, HTML to visible text, and an RFC 2047 attachment name', async () => {
    const raw = message([
      'From: pupil@example.com',
      'To: teacher@district1.k12.us',
      'Subject: =?UTF-8?B?wqFRdcOpIG5pw7FvIQ==?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mixed"',
      '',
      '--mixed',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain words here.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><title>T</title><style>.secret { color: red }</style><script>var hidden = "scriptword";</script></head>',
      '<body><p>Hello &amp; f<b>u</b>ck</p><table><tr><td>ass</td><td>hat</td></tr></table><!-- commentword --> &ntilde;o&#241;o &lt;b&gt;</body></html>',
      '--alt--',
      '',
      '--mixed',
      'Content-Type: application/pdf; name="=?UTF-8?Q?sh=C3=AFt_list=2Epdf?="',
      'Content-Disposition: attachment; filename="=?UTF-8?Q?sh=C3=AFt_list=2Epdf?="',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 not really a pdf: attachmentword').toString('base64'),
      '--mixed--',
      '',
    ]);
    const texts = await extractScannableText(raw);
    expect(texts.map((t) => t.where)).toEqual(['subject', 'text', 'html', 'attachment-name']);
    expect(texts[0]!.text).toBe('¡Qué niño!');
    expect(texts[1]!.text.trim()).toBe('Plain words here.');
    const html = texts[2]!.text;
    expect(html).toContain('Hello & fuck');
    expect(html).toContain('ñoño <b>');
    expect(html).toMatch(/ass\s+hat/);
    for (const hidden of ['scriptword', 'secret', 'commentword', '<p>', 'attachmentword']) expect(html).not.toContain(hidden);
    expect(texts[3]!.text).toBe('shït list.pdf'); // "_" is a space in RFC 2047 Q encoding

    const compiled = compileWordLists([{ id: 1, name: 'l', scope: 'system', action: 'reject', direction: 'both', entries: ['fuck', 'shit', 'niño', 'hat', 'attachmentword'] }]);
    const found = compiled.scan(texts, 'inbound').matches.map((m) => `${m.where}:${m.matched}`);
    expect(found).toEqual(['subject:niño', 'html:fuck', 'html:hat', 'attachment-name:shït']);
  });

  it('decodes a quoted-printable latin1 body', async () => {
    const raw = message([
      'From: a@example.com',
      'Subject: =?ISO-8859-1?Q?Caf=E9?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'El ni=F1o dijo una palabrota: cabr=F3n. Una l=EDnea muy larga que se corta =',
      'aqu=ED.',
      '',
    ]);
    const texts = await extractScannableText(raw);
    expect(texts).toEqual([
      { where: 'subject', text: 'Café' },
      { where: 'text', text: 'El niño dijo una palabrota: cabrón. Una línea muy larga que se corta aquí.\n' },
    ]);
  });

  it('parses a 100 KB message quickly enough to run on every delivery', async () => {
    const body = 'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(2000);
    const raw = message(['Subject: big', 'Content-Type: text/plain; charset=utf-8', '', body]);
    await extractScannableText(raw);
    const start = performance.now();
    const texts = await extractScannableText(raw);
    expect(performance.now() - start).toBeLessThan(200);
    expect(texts[1]!.text.length).toBeGreaterThan(100_000);
  });

  it('strips HTML without gluing block-level words together', () => {
    expect(htmlToScannableText('<div>one</div><div>two</div>').replace(/\s+/g, ' ').trim()).toBe('one two');
    expect(htmlToScannableText('sp<span class="x">l</span>it &#x41;&quot;')).toBe('split A"');
    expect(htmlToScannableText('<img alt="a > b" src="x">ok')).toBe('ok');
  });
});
