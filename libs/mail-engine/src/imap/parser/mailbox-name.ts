/**
 * Mailbox names on the wire are modified UTF-7 (RFC 3501 5.1.3): "&" starts a base64 run of
 * UTF-16 (with "," for "/"), "&-" is "&". The store keeps names as Unicode.
 */
import { ParseError } from './errors.js';

export function decodeMailboxName(wire: string): string {
  const name = wire.replace(/&([^-]*)-/g, (_, run: string) => {
    if (run === '') return '&';
    const bytes = Buffer.from(run.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0) throw new ParseError(`Invalid modified UTF-7 in mailbox name "${wire}"`);
    return bytes.swap16().toString('utf16le');
  });
  if (name.includes('&')) throw new ParseError(`Invalid modified UTF-7 in mailbox name "${wire}"`);
  // INBOX is case-insensitive (RFC 3501 5.1), including as the first level of a hierarchy.
  return /^inbox(\/|$)/i.test(name) ? `INBOX${name.slice(5)}` : name;
}

export function encodeMailboxName(name: string): string {
  return name.replace(/&|[^\x20-\x7e]+/g, (run) => {
    if (run === '&') return '&-';
    const utf16 = Buffer.from(run, 'utf16le').swap16();
    return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}
