/**
 * Every value a user supplies reaches the directory only through these functions: a login
 * name such as "*)(uid=*" must match nothing rather than widen the search (RFC 4515), and a
 * value placed in a DN must stay one attribute value (RFC 4514).
 */

/** RFC 4515 assertion value: `*`, `(`, `)`, `\`, NUL and every non-ASCII byte (of the UTF-8) as \xx. */
export function escapeFilterValue(value: string): string {
  let escaped = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const special = byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c || byte === 0x00 || byte > 0x7e;
    escaped += special ? `\\${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return escaped;
}

/** RFC 4514 attribute value in a DN: the specials backslash-escaped, NUL as \00, a leading `#` or space and a trailing space too. */
export function escapeDnValue(value: string): string {
  let escaped = value.replace(/[\\"+,;<>=]/g, (special) => `\\${special}`).replace(/\0/g, '\\00');
  if (escaped.startsWith(' ') || escaped.startsWith('#')) escaped = `\\${escaped}`;
  if (escaped.length > 1 && escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

export const FILTER_PLACEHOLDERS = ['address', 'local', 'domain'] as const;

/** The user filter for one address: {address}, {local} and {domain} replaced by their escaped values. */
export function userFilterFor(template: string, address: string): string {
  const at = address.lastIndexOf('@');
  const values: Record<string, string> = { address, local: at < 0 ? address : address.slice(0, at), domain: at < 0 ? '' : address.slice(at + 1) };
  return template.replace(/\{(address|local|domain)\}/g, (_, name: string) => escapeFilterValue(values[name]!));
}

/** The bytes an RFC 4515 assertion value stands for (\xx pairs decoded). */
export function unescapeFilterValue(escaped: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < escaped.length; index++) {
    const hex = escaped[index] === '\\' ? escaped.slice(index + 1, index + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(escaped[index]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** Why `template` cannot serve as a user filter, or null when it can. */
export function userFilterProblem(template: string, parse: (filter: string) => unknown): string | null {
  if (!FILTER_PLACEHOLDERS.some((name) => template.includes(`{${name}}`))) return 'must contain {address}, {local} or {domain}, e.g. (mail={address})';
  // A login name inside a substring match ("(mail=*{local}*)") would match other people.
  if (/\*[^()]*\{(address|local|domain)\}|\{(address|local|domain)\}[^()]*\*/.test(template)) return 'a placeholder may only be used in an equality match, not next to *';
  try {
    parse(userFilterFor(template, 'sample@example.test'));
    return null;
  } catch {
    return 'is not a valid LDAP filter (RFC 4515), e.g. (&(objectClass=inetOrgPerson)(mail={address}))';
  }
}
