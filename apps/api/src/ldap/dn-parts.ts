/** The DN after the first RDN: the first comma not escaped by a backslash (RFC 4514) ends the RDN. */
export function parentDn(dn: string): string {
  for (let index = 0; index < dn.length; index++) {
    if (dn[index] === '\\') index++;
    else if (dn[index] === ',') return dn.slice(index + 1);
  }
  return '';
}
