/**
 * What a Schoolmail account looks like as a directory entry in provisioning mode, and how an
 * entry differs from it. Pure functions: the API writes with them, `ldap sync` compares with
 * them, and logins never need them.
 *
 * Suspension is `shadowExpire: 1` (RFC 2307 shadowAccount, in the nis schema every OpenLDAP
 * ships): "expired on 1970-01-02", which pam_ldap, nss-pam-ldapd and SSSD refuse; Schoolmail
 * itself refuses a suspended account before asking the directory. Reactivation removes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuthSourceRow } from './auth-sources.js';
import type { DirectoryChange, DirectoryEntry } from './directory-client.js';
import { escapeDnValue } from './escape.js';

export const RDN_ATTRIBUTES = ['uid', 'mail', 'cn'] as const;
export type RdnAttribute = (typeof RDN_ATTRIBUTES)[number];

export const SUSPENDED_SHADOW_EXPIRE = '1';
const SHADOW_EXPIRE = 'shadowExpire';

export interface ProvisioningLayout {
  base: string;
  rdnAttribute: RdnAttribute;
  objectClasses: string[];
  mailAttribute: string;
  uidAttribute: string;
  displayNameAttribute: string;
}

/** The account as the directory should hold it. */
export interface ProvisionedAccount {
  address: string;
  localPart: string;
  displayName: string | null;
  suspended: boolean;
}

export function provisioningLayoutOf(source: AuthSourceRow): ProvisioningLayout {
  return {
    base: source.provisionBase || source.userBase,
    rdnAttribute: (RDN_ATTRIBUTES as readonly string[]).includes(source.provisionRdnAttribute) ? (source.provisionRdnAttribute as RdnAttribute) : 'uid',
    objectClasses: source.provisionObjectClasses,
    mailAttribute: source.mailAttribute,
    uidAttribute: source.uidAttribute,
    displayNameAttribute: source.displayNameAttribute,
  };
}

/** cn and sn are required by inetOrgPerson; without a display name they repeat the local part. */
const commonNameOf = (account: ProvisionedAccount) => account.displayName ?? account.localPart;

/** The RDN, its value escaped per RFC 4514 (a display name may hold `,+"\<>;=` and edge spaces). */
export function rdnOf(layout: ProvisioningLayout, account: ProvisionedAccount): string {
  const value = layout.rdnAttribute === 'uid' ? account.localPart : layout.rdnAttribute === 'mail' ? account.address : commonNameOf(account);
  return `${layout.rdnAttribute}=${escapeDnValue(value)}`;
}

export const dnOf = (layout: ProvisioningLayout, account: ProvisionedAccount) => `${rdnOf(layout, account)},${layout.base}`;

/** The attributes Schoolmail owns on a provisioned entry (objectClass and userPassword apart). */
function ownedAttributes(layout: ProvisioningLayout, account: ProvisionedAccount): Record<string, string[]> {
  const attributes: Record<string, string[]> = {
    [layout.mailAttribute]: [account.address],
    [layout.uidAttribute]: [account.localPart],
    cn: [commonNameOf(account)],
    sn: [commonNameOf(account)],
    [layout.displayNameAttribute]: account.displayName === null ? [] : [account.displayName],
  };
  if (layout.objectClasses.some((name) => name.toLowerCase() === 'shadowaccount')) attributes[SHADOW_EXPIRE] = account.suspended ? [SUSPENDED_SHADOW_EXPIRE] : [];
  return attributes;
}

export function newEntryAttributes(layout: ProvisioningLayout, account: ProvisionedAccount, userPassword: string | null): Record<string, string[]> {
  const attributes = Object.fromEntries(Object.entries(ownedAttributes(layout, account)).filter(([, values]) => values.length > 0));
  return { objectClass: layout.objectClasses, ...attributes, ...(userPassword ? { userPassword: [userPassword] } : {}) };
}

/** The attributes `newEntryAttributes` may write, for reading an entry back. */
export function layoutAttributes(layout: ProvisioningLayout): string[] {
  return ['objectClass', layout.mailAttribute, layout.uidAttribute, 'cn', 'sn', layout.displayNameAttribute, SHADOW_EXPIRE];
}

/** A value of `entry`, matching the attribute name case-insensitively as LDAP does. */
export function valuesOf(entry: DirectoryEntry, attribute: string): string[] {
  const key = Object.keys(entry.attributes).find((name) => name.toLowerCase() === attribute.toLowerCase());
  return key ? entry.attributes[key]! : [];
}

const sameValues = (left: string[], right: string[]) => left.length === right.length && left.every((value) => right.includes(value));

/**
 * The modify that makes `entry` hold `account`: missing object classes added, owned
 * attributes replaced where they differ. The RDN attribute is left to a rename.
 */
export function changesToMatch(layout: ProvisioningLayout, account: ProvisionedAccount, entry: DirectoryEntry): DirectoryChange[] {
  const changes: DirectoryChange[] = [];
  const classes = valuesOf(entry, 'objectClass').map((name) => name.toLowerCase());
  const missing = layout.objectClasses.filter((name) => !classes.includes(name.toLowerCase()));
  if (missing.length) changes.push({ operation: 'add', attribute: 'objectClass', values: missing });
  for (const [attribute, wanted] of Object.entries(ownedAttributes(layout, account))) {
    if (attribute.toLowerCase() === layout.rdnAttribute) continue;
    const current = valuesOf(entry, attribute);
    if (sameValues(current, wanted)) continue;
    if (wanted.length === 0) changes.push({ operation: 'delete', attribute, values: [] });
    else changes.push({ operation: 'replace', attribute, values: wanted });
  }
  return changes;
}

/** Days since 1970-01-01, the unit of shadowExpire. */
const today = () => Math.floor(Date.now() / 86_400_000);

/** Whether the directory considers the entry expired (shadowExpire in the past), whoever set it. */
export function isSuspendedEntry(entry: DirectoryEntry): boolean {
  const expire = Number(valuesOf(entry, SHADOW_EXPIRE)[0]);
  return Number.isInteger(expire) && expire > 0 && expire <= today();
}

/**
 * The userPassword for the directory: a new password as {SSHA} (salted SHA-1, which every
 * slapd verifies without modules), a stored crypt(3) hash as {CRYPT}; null for a scheme slapd
 * cannot verify (scrypt), which the caller must refuse.
 */
export function directoryPassword(secret: { password: string } | { hash: string }): string | null {
  if ('password' in secret) {
    const salt = randomBytes(8);
    const digest = createHash('sha1').update(secret.password, 'utf8').update(salt).digest();
    return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
  }
  const match = /^\{([A-Z0-9-]+)\}(.*)$/s.exec(secret.hash);
  if (!match) return null;
  const [, scheme, body] = match;
  if (['MD5-CRYPT', 'SHA256-CRYPT', 'SHA512-CRYPT', 'BCRYPT', 'CRYPT'].includes(scheme!)) return `{CRYPT}${body}`;
  return null;
}
