/**
 * The parts of a message that word lists look at, decoded: the subject (RFC 2047), the
 * text/plain parts, the text/html parts as visible text, and attachment file names (RFC 2047
 * and RFC 2231). Charsets, quoted-printable and base64 are undone by mailparser; attachment
 * contents are drained unread, and the parser's HTML/text conversions and checksums are off,
 * since the scan needs none of them.
 */
import { MailParser } from 'mailparser';
import type { ScannableText } from '../policy/types.js';
import { htmlToScannableText } from './html-text.js';

export async function extractScannableText(raw: Buffer | string): Promise<ScannableText[]> {
  const parser = new MailParser({
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    checksumAlgo: false,
  });
  const names: string[] = [];
  let text: string | undefined;
  let html: string | undefined;
  await new Promise<void>((resolve, reject) => {
    parser.on('data', (data: { type: string; [key: string]: unknown }) => {
      if (data.type === 'attachment') {
        const attachment = data as unknown as { filename?: string; content: NodeJS.ReadableStream; release: (() => void) | null };
        if (attachment.filename) names.push(attachment.filename);
        attachment.content.resume();
        attachment.release?.();
      } else if (data.type === 'text') {
        text = typeof data.text === 'string' ? data.text : undefined;
        html = typeof data.html === 'string' ? data.html : undefined;
      }
    });
    parser.once('error', reject);
    parser.once('end', resolve);
    parser.end(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
  });

  const texts: ScannableText[] = [];
  if (parser.subject) texts.push({ where: 'subject', text: parser.subject });
  if (text) texts.push({ where: 'text', text });
  if (html) texts.push({ where: 'html', text: htmlToScannableText(html) });
  for (const name of names) texts.push({ where: 'attachment-name', text: name });
  return texts;
}
