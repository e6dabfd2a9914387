/**
 * How Maildir++ (Courier, Dovecot, vpopmail) names things: folders are `.Parent.Child`
 * directories in modified UTF-7 (RFC 3501 5.1.3), and a message file is `<unique>:2,<flags>`
 * where the unique part never changes when the file moves from new/ to cur/ or its flags do.
 */
import { INBOX } from '../mailbox/default-folders.js';

/** Maildir++ folder names clients and servers commonly use for the special-use folders. */
const SPECIAL_FOLDERS: Record<string, string> = {
  sent: 'Sent',
  'sent items': 'Sent',
  'sent messages': 'Sent',
  'sent mail': 'Sent',
  drafts: 'Drafts',
  draft: 'Drafts',
  trash: 'Trash',
  'deleted items': 'Trash',
  'deleted messages': 'Trash',
  junk: 'Junk',
  spam: 'Junk',
  'junk e-mail': 'Junk',
};

function decodeModifiedUtf7(text: string): string {
  return text.replace(/&([^-]*)-/g, (_, encoded: string) => {
    if (encoded === '') return '&';
    const utf16 = Buffer.from(encoded.replaceAll(',', '/'), 'base64');
    let out = '';
    for (let i = 0; i + 1 < utf16.length; i += 2) out += String.fromCharCode(utf16.readUInt16BE(i));
    return out;
  });
}

/** `.Folder.Sub` -> `Folder/Sub`; `.Sent` -> `Sent`; null for a directory that is no folder. */
export function folderNameOf(directory: string): string | null {
  if (!directory.startsWith('.') || directory === '.' || directory === '..') return null;
  const parts = decodeModifiedUtf7(directory.slice(1)).split('.');
  if (parts.some((part) => part === '')) return null;
  if (parts.length === 1) {
    const special = SPECIAL_FOLDERS[parts[0]!.toLowerCase()];
    if (special) return special;
    if (parts[0]!.toUpperCase() === INBOX) return INBOX;
  }
  // Courier writes sub-folders of INBOX as `.INBOX.Sub` in some set-ups; they are top-level here.
  if (parts[0]!.toUpperCase() === INBOX && parts.length > 1) parts.shift();
  return parts.join('/');
}

const FLAG_LETTERS: Record<string, string> = { F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted', D: '\\Draft' };

export interface MaildirFileName {
  /** The part before `:2,`: stable across moves and flag changes. */
  unique: string;
  flags: string[];
  /** The delivery time the name starts with (seconds), or null. */
  timestamp: Date | null;
}

/**
 * Parses a message file name. Lower-case letters are Dovecot keywords, numbered by the
 * folder's `dovecot-keywords` file (`keywords[0]` is `a`).
 */
export function parseMaildirFileName(fileName: string, keywords: readonly string[] = []): MaildirFileName {
  const separator = fileName.lastIndexOf(':2,');
  const unique = separator < 0 ? fileName : fileName.slice(0, separator);
  const letters = separator < 0 ? '' : fileName.slice(separator + 3);
  const flags: string[] = [];
  for (const letter of letters) {
    const flag = FLAG_LETTERS[letter] ?? (letter >= 'a' && letter <= 'z' ? keywords[letter.charCodeAt(0) - 97] : undefined);
    if (flag && !flags.includes(flag)) flags.push(flag);
  }
  const seconds = /^(\d{9,11})\./.exec(unique)?.[1];
  return { unique, flags, timestamp: seconds ? new Date(Number(seconds) * 1000) : null };
}

/** Dovecot's `dovecot-keywords` file: lines `<index> <keyword>`. */
export function parseDovecotKeywords(content: string): string[] {
  const keywords: string[] = [];
  for (const line of content.split(/\r?\n/)) {
    const match = /^(\d+)\s+(\S+)$/.exec(line.trim());
    if (match && Number(match[1]) < 26) keywords[Number(match[1])] = match[2]!;
  }
  return keywords;
}
