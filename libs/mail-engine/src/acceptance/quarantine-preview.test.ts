import { describe, expect, it } from 'vitest';
import { previewMessage, sanitizeMessageHtml } from './quarantine-preview.js';

const hostile = [
  'From: Mallory <mallory@evil.example>',
  'To: student@district1.k12.us',
  'Subject: =?utf-8?q?Hi_th=C3=A9re?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'plain words',
  '--b',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><style>body{background:url(http://evil.example/css.png)}</style><script>steal()</script></head>',
  '<body onload="track()"><p style="background-image:url(https://evil.example/p.png)" onclick="x()">Hello <b>there</b></p>',
  '<img src="http://evil.example/pixel.gif"><img src="https://evil.example/b.gif" srcset="http://evil.example/c.gif 2x">',
  '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">',
  '<iframe src="https://evil.example/frame"></iframe><object data="x.swf"></object><embed src="y">',
  '<a href="javascript:alert(1)">bad link</a> <a href="https://district1.k12.us/">good link</a>',
  '<form action="https://evil.example"><input name="p"></form><svg onload="x()"><image href="http://evil.example/s"/></svg>',
  '<table background="http://evil.example/bg.png"><tr><td>cell</td></tr></table></body></html>',
  '--b--',
  '',
].join('\r\n');

describe('quarantine preview', () => {
  it('keeps the text and harmless HTML, and drops everything that runs or loads', async () => {
    const preview = await previewMessage(Buffer.from(hostile));
    expect(preview.subject).toBe('Hi thére');
    expect(preview.from).toContain('mallory@evil.example');
    expect(preview.text).toContain('plain words');
    expect(preview.headers).toContainEqual({ name: 'To', value: 'student@district1.k12.us' });
    const html = preview.html!;
    expect(html).toContain('Hello <b>there</b>');
    expect(html).toContain('cell');
    expect(html).toContain('href="https://district1.k12.us/"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    for (const gone of ['<script', 'steal()', 'onload', 'onclick', 'evil.example', '<iframe', '<object', '<embed', 'javascript:', 'url(', 'style', '<form', '<svg', 'srcset']) {
      expect(html.toLowerCase(), gone).not.toContain(gone);
    }
  });

  it('makes links open elsewhere without a referrer', () => {
    expect(sanitizeMessageHtml('<a href="https://a.example/" rel="opener" target="_self">x</a>')).toBe(
      '<a href="https://a.example/" rel="noopener noreferrer nofollow" target="_blank">x</a>',
    );
  });

  it('previews a plain text message', async () => {
    const preview = await previewMessage(Buffer.from('From: a@b.example\r\nSubject: plain\r\n\r\n<script>not html</script>\r\n'));
    expect(preview.html).toBeNull();
    expect(preview.text).toContain('<script>not html</script>');
  });
});
