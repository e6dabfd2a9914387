import type { Tx } from '../contracts.js';

export const INBOX = 'INBOX';

/** Every mailbox has these folders (RFC 6154 special-use attributes for the IMAP clients). */
export const DEFAULT_FOLDERS: ReadonlyArray<{ name: string; specialUse: string | null }> = [
  { name: INBOX, specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
];

/**
 * UIDVALIDITY of a folder created now: the creation time in seconds, as Dovecot does, so a
 * folder deleted and created again tells IMAP clients that its old UIDs mean nothing.
 */
export const newUidValidity = () => Math.floor(Date.now() / 1000);

/**
 * Creates the default folders that the accounts lack, in one statement whatever the number
 * of accounts; concurrent callers are harmless (the unique (account, name) keeps one).
 */
export async function ensureDefaultFoldersOf(tx: Tx, accountIds: readonly number[]) {
  if (accountIds.length === 0) return;
  const uidValidity = newUidValidity();
  await tx.mailboxFolder.createMany({
    data: [...new Set(accountIds)].flatMap((accountId) => DEFAULT_FOLDERS.map((folder) => ({ accountId, ...folder, uidValidity }))),
    skipDuplicates: true,
  });
}

export async function ensureDefaultFolders(tx: Tx, accountId: number) {
  await ensureDefaultFoldersOf(tx, [accountId]);
}
