/**
 * What `ldap sync` compares: a domain's accounts against the directory entries whose mail
 * ends in "@domain" (found with a paged search). Pure: the service lists both sides, this
 * says how they differ and which way each difference is repaired.
 *
 * Direction rules:
 * - provisioning domain: Schoolmail is the source of truth. An account without an entry gets
 *   one, an entry without an account is deleted, differing attributes are written to the entry.
 * - other LDAP domains: the directory is the source. An entry without an account gets an
 *   account (its password stays in the directory), an active account without an entry is
 *   suspended, differing display names and suspension are copied to the account.
 * - mailHost, in both: the directory is the source. Routing is the directory's business (a
 *   login copies it too, see access/prisma-mail-access.ts), so a provisioning domain's
 *   mailHost difference is its own item, repaired on the account while the other attributes
 *   of that entry are written to the directory.
 */
import { isSuspendedEntry, mailHostOf, valuesOf, type DirectoryEntry, type ProvisioningLayout } from '@schoolmail/mail-engine';
import type { AccountFields } from './directory-provisioning.js';

export type SyncDirection = 'schoolmail-to-directory' | 'directory-to-schoolmail';

export interface SyncAccount extends AccountFields {
  mailHost: string | null;
}

export type SyncDifference =
  | { kind: 'only-in-directory'; address: string; dn: string; repair: 'delete-entry' | 'create-account' }
  | { kind: 'only-in-schoolmail'; address: string; repair: 'create-entry' | 'suspend-account' }
  | { kind: 'attributes'; address: string; dn: string; fields: FieldDifference[]; repair: 'update-entry' | 'update-account' }
  | { kind: 'duplicate-entries'; address: string; dns: string[]; repair: 'none' };

export interface FieldDifference {
  field: 'displayName' | 'suspended' | 'mailHost';
  schoolmail: string | boolean | null;
  directory: string | boolean | null;
}

export interface SyncPlanInput {
  provisioning: boolean;
  layout: ProvisioningLayout;
  /** The source's mapped mailHost attribute; null: routing is not compared. */
  mailHostAttribute: string | null;
  accounts: SyncAccount[];
  entries: DirectoryEntry[];
}

export function planSync({ provisioning, layout, mailHostAttribute, accounts, entries }: SyncPlanInput): SyncDifference[] {
  const byAddress = new Map<string, DirectoryEntry[]>();
  for (const entry of entries) {
    for (const mail of valuesOf(entry, layout.mailAttribute)) {
      const address = mail.toLowerCase();
      byAddress.set(address, [...(byAddress.get(address) ?? []), entry]);
    }
  }
  const differences: SyncDifference[] = [];
  const local = new Set<string>();
  for (const account of accounts) {
    local.add(account.address);
    const found = byAddress.get(account.address) ?? [];
    if (found.length > 1) {
      differences.push({ kind: 'duplicate-entries', address: account.address, dns: found.map((entry) => entry.dn), repair: 'none' });
      continue;
    }
    const entry = found[0];
    if (!entry) {
      // A suspended account without an entry is what a directory-sourced repair leaves behind.
      if (provisioning) differences.push({ kind: 'only-in-schoolmail', address: account.address, repair: 'create-entry' });
      else if (account.status !== 'suspended') differences.push({ kind: 'only-in-schoolmail', address: account.address, repair: 'suspend-account' });
      continue;
    }
    const fields = fieldDifferences(layout, account, entry);
    const routing = mailHostDifference(mailHostAttribute, account, entry);
    if (!provisioning) fields.push(...routing);
    if (fields.length) differences.push({ kind: 'attributes', address: account.address, dn: entry.dn, fields, repair: provisioning ? 'update-entry' : 'update-account' });
    if (provisioning && routing.length) differences.push({ kind: 'attributes', address: account.address, dn: entry.dn, fields: routing, repair: 'update-account' });
  }
  for (const [address, found] of byAddress) {
    if (local.has(address)) continue;
    if (found.length > 1) differences.push({ kind: 'duplicate-entries', address, dns: found.map((entry) => entry.dn), repair: 'none' });
    else differences.push({ kind: 'only-in-directory', address, dn: found[0]!.dn, repair: provisioning ? 'delete-entry' : 'create-account' });
  }
  return differences.sort((left, right) => left.address.localeCompare(right.address));
}

function mailHostDifference(attribute: string | null, account: SyncAccount, entry: DirectoryEntry): FieldDifference[] {
  const directory = mailHostOf(entry, attribute);
  return attribute && directory !== account.mailHost ? [{ field: 'mailHost', schoolmail: account.mailHost, directory }] : [];
}

function fieldDifferences(layout: ProvisioningLayout, account: SyncAccount, entry: DirectoryEntry): FieldDifference[] {
  const fields: FieldDifference[] = [];
  const directoryName = valuesOf(entry, layout.displayNameAttribute)[0] ?? null;
  if (directoryName !== account.displayName) fields.push({ field: 'displayName', schoolmail: account.displayName, directory: directoryName });
  const suspended = account.status === 'suspended';
  if (isSuspendedEntry(entry) !== suspended) fields.push({ field: 'suspended', schoolmail: suspended, directory: isSuspendedEntry(entry) });
  return fields;
}
