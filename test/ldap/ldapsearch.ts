/** Reads a private slapd with OpenLDAP's own ldapsearch: an independent check of what Schoolmail wrote. */
import { spawnSync } from 'node:child_process';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_SUFFIX, type TestSlapd } from '../support/slapd.js';

export interface LdifEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** Entries matching `filter` under the suffix, LDIF parsed (folded lines joined, `::` values decoded). */
export function ldapsearch(slapd: TestSlapd, filter: string, ...attributes: string[]): LdifEntry[] {
  const result = spawnSync('ldapsearch', [...asManager(slapd), '-LLL', '-o', 'ldif-wrap=no', '-b', LDAP_SUFFIX, filter, ...attributes], {
    encoding: 'utf8',
  });
  if (result.status !== 0 && result.status !== 32) throw new Error(`ldapsearch failed: ${result.stderr}`);
  return result.stdout
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      const entry: LdifEntry = { dn: '', attributes: {} };
      for (const line of block.split('\n')) {
        const match = /^([^:]+)(::?) ?(.*)$/.exec(line);
        if (!match) continue;
        const [, name, separator, raw] = match;
        const value = separator === '::' ? Buffer.from(raw!, 'base64').toString('utf8') : raw!;
        if (name === 'dn') entry.dn = value;
        else (entry.attributes[name!] ??= []).push(value);
      }
      return entry;
    });
}

/** Does a simple bind as `dn` with `password` succeed (ldapwhoami)? */
export function canBind(slapd: TestSlapd, dn: string, password: string): boolean {
  return spawnSync('ldapwhoami', ['-x', '-H', slapd.url, '-D', dn, '-w', password], { encoding: 'utf8' }).status === 0;
}

const asManager = (slapd: TestSlapd) => ['-x', '-H', slapd.url, '-D', LDAP_ADMIN_DN, '-w', LDAP_ADMIN_PASSWORD];

/** Applies LDIF changes (changetype: ...) behind Schoolmail's back. */
export function ldapModify(slapd: TestSlapd, ldif: string): void {
  const result = spawnSync('ldapmodify', asManager(slapd), { input: ldif, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ldapmodify failed: ${result.stderr}`);
}

export function ldapDelete(slapd: TestSlapd, dn: string): void {
  const result = spawnSync('ldapdelete', [...asManager(slapd), dn], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ldapdelete failed: ${result.stderr}`);
}
