/**
 * Whitelisted senders: an exact address ("news@partner.org"), or every address of one
 * domain ("@partner.org", also written "*@partner.org"). Matching is case-insensitive and
 * exact on the domain: "@partner.org" does not cover "mail.partner.org".
 */
import { domainToASCII } from 'node:url';

export interface SenderPattern {
  /** As the administrator wrote it, lower-cased. */
  text: string;
  /** A full address, or null for a whole-domain pattern. */
  address: string | null;
  domain: string;
}

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function asciiDomain(raw: string): string | null {
  const ascii = domainToASCII(raw.replace(/\.$/, ''));
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  return ascii;
}

/** Parses one pattern; a reason when it is none of the accepted forms. */
export function parseSenderPattern(raw: string): SenderPattern | { error: string } {
  const text = raw.trim().toLowerCase();
  const invalid = { error: `"${raw}" is not a sender pattern: use an address (news@partner.org) or a whole domain (@partner.org or *@partner.org)` };
  const at = text.lastIndexOf('@');
  if (at < 0) return invalid;
  const local = text.slice(0, at);
  const domain = asciiDomain(text.slice(at + 1));
  if (!domain) return invalid;
  if (local === '' || local === '*') return { text, address: null, domain };
  // "*" is legal in a local part, but anywhere else than alone it reads as a glob we do not offer.
  if (Buffer.byteLength(local) > 64 || !LOCAL_PART.test(local) || local.includes('*')) return invalid;
  return { text, address: `${local}@${domain}`, domain };
}

/** Lower-cased address and domain of an envelope sender; null for the null sender or garbage. */
export function senderParts(sender: string | null | undefined): { address: string; domain: string } | null {
  if (!sender) return null;
  const address = sender.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const domain = asciiDomain(address.slice(at + 1)) ?? address.slice(at + 1);
  return { address: `${address.slice(0, at)}@${domain}`, domain };
}

export function senderMatches(pattern: SenderPattern, sender: { address: string; domain: string }): boolean {
  return pattern.address === null ? pattern.domain === sender.domain : pattern.address === sender.address;
}
