import { domainToASCII } from 'node:url';

const MAX_ADDRESS_LENGTH = 320;

/**
 * The stored spelling of a login name: a full address, lower-case, the domain in ASCII
 * (IDNA) as addresses are stored; null when it cannot be an address.
 */
export function loginAddress(raw: string): string | null {
  const text = raw.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1 || text.length > MAX_ADDRESS_LENGTH) return null;
  const domain = text.slice(at + 1).toLowerCase().replace(/\.$/, '');
  return `${text.slice(0, at).toLowerCase()}@${domainToASCII(domain) || domain}`;
}
