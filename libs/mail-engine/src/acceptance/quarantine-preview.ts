/**
 * A safe look at a quarantined message for its reviewers: the headers, the plain text, and
 * the HTML with everything that runs or loads removed: scripts, event handlers, frames and
 * objects, forms, styles (CSS can fetch with url()), and every remote resource (an <img>
 * keeps only an inline data: source). Opening a held message must not tell its sender that
 * it was opened, nor run anything in the console.
 */
import { simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

export interface MessagePreview {
  headers: Array<{ name: string; value: string }>;
  subject: string | null;
  from: string | null;
  to: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
  truncated: boolean;
}

const MAX_PREVIEW_CHARS = 256 * 1024;
const MAX_HEADERS = 200;

const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'),
    'img', 'font', 'center', 'span', 'div',
  ],
  allowedAttributes: {
    // rel and target come from transformTags below, not from the message.
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align', 'valign'],
    th: ['colspan', 'rowspan', 'align', 'valign'],
    table: ['border', 'cellpadding', 'cellspacing', 'width'],
    font: ['color', 'size'],
    '*': ['align', 'dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Links are shown, not followed; images would load on sight, so only inline data stays.
  allowedSchemesByTag: { img: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowedStyles: {},
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object', 'embed', 'applet', 'frameset', 'template', 'svg', 'math'],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
  },
};

/** HTML with scripts, handlers, frames, styles and remote content removed. */
export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, SAFE_HTML);
}

function clip(value: string | null, state: { truncated: boolean }): string | null {
  if (value === null || value.length <= MAX_PREVIEW_CHARS) return value;
  state.truncated = true;
  return value.slice(0, MAX_PREVIEW_CHARS);
}

export async function previewMessage(raw: Buffer): Promise<MessagePreview> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, keepCidLinks: false });
  const state = { truncated: false };
  const headers = parsed.headerLines.slice(0, MAX_HEADERS).map(({ line }) => {
    const colon = line.indexOf(':');
    return { name: colon < 0 ? line : line.slice(0, colon), value: colon < 0 ? '' : line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() };
  });
  const addressText = (value: typeof parsed.from | typeof parsed.to) =>
    value === undefined ? null : Array.isArray(value) ? value.map((v) => v.text).join(', ') : value.text;
  return {
    headers,
    subject: parsed.subject ?? null,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    date: parsed.date?.toISOString() ?? null,
    text: clip(parsed.text ?? null, state),
    html: typeof parsed.html === 'string' ? clip(sanitizeMessageHtml(parsed.html), state) : null,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    truncated: state.truncated,
  };
}
