/**
 * The mailbox store that POP3, IMAP, RPOP and imports read and write: folders, messages,
 * UIDs, flags and quota in PostgreSQL (MailboxFolder, MailboxMessage), bytes in storage units
 * (BlobStore, single-instance). Protocol code depends on this interface only.
 *
 * Invariants: UIDs in a folder strictly increase and are never reused; UIDVALIDITY of a
 * folder never changes while it exists (a folder re-created under an old name gets a new
 * one); every change raises the folder's modSeq and is announced to `watch`ers in this and
 * every other engine process (PostgreSQL NOTIFY) after it commits.
 */
export interface FolderInfo {
  id: number;
  accountId: number;
  /** Hierarchy separator "/"; "INBOX" is always spelled so. */
  name: string;
  /** RFC 6154 attribute: "\\Sent", "\\Drafts", "\\Trash", "\\Junk", or null. */
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  modSeq: bigint;
  subscribed: boolean;
}

export interface MessageMeta {
  id: bigint;
  uid: number;
  size: number;
  /** System flags with their backslash ("\\Seen") and keywords, as stored. */
  flags: string[];
  internalDate: Date;
  modSeq: bigint;
  blobId: bigint;
}

export interface FolderStatus {
  messages: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
  /** Sequence number of the first message without \Seen, or null. */
  firstUnseen: number | null;
}

export type FlagOperation = 'add' | 'remove' | 'replace';

export interface Quota {
  usedBytes: bigint;
  /** From the effective class of service; null when unlimited. */
  limitBytes: bigint | null;
}

export type MailStoreErrorCode = 'nonexistent' | 'exists' | 'overquota' | 'forbidden' | 'invalid';

/** An expected refusal with a code protocol handlers map to their replies (NO [NONEXISTENT], NO [OVERQUOTA], ...). */
export class MailStoreError extends Error {
  constructor(
    readonly code: MailStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MailStoreError';
  }
}

export interface MailStore {
  listFolders(accountId: number): Promise<FolderInfo[]>;
  /** "INBOX" matches case-insensitively; other names exactly. */
  folder(accountId: number, name: string): Promise<FolderInfo | null>;
  createFolder(accountId: number, name: string): Promise<FolderInfo>;
  /** INBOX cannot be deleted ('forbidden'); the folder's messages go with it and their bytes leave the quota. */
  deleteFolder(accountId: number, name: string): Promise<void>;
  /** Renaming INBOX moves its messages into the new folder and leaves INBOX empty (RFC 3501 6.3.5). */
  renameFolder(accountId: number, from: string, to: string): Promise<void>;
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void>;
  status(folderId: number): Promise<FolderStatus>;
  /** Every message of the folder in UID order: position i is sequence number i + 1. */
  messages(folderId: number): Promise<MessageMeta[]>;
  /** Messages whose modSeq is above `modSeq` (flag changes and arrivals since a session last looked). */
  changedSince(folderId: number, modSeq: bigint): Promise<MessageMeta[]>;
  /** The message's bytes, hash-verified by the blob store. */
  read(blobId: bigint): Promise<Buffer>;
  /** Stores bytes single-instance and files them; 'overquota' when they do not fit. */
  append(accountId: number, folderId: number, bytes: Buffer, flags: string[], internalDate: Date): Promise<{ uid: number; uidValidity: number }>;
  /** Copies (same blobs, new UIDs); 'overquota' when the copies do not fit. Answers source -> destination UIDs (UIDPLUS). */
  copy(accountId: number, fromFolderId: number, uids: number[], toFolderId: number): Promise<Array<{ from: number; to: number }>>;
  /** Copy then remove from the source, atomically (RFC 6851); quota unchanged. */
  move(accountId: number, fromFolderId: number, uids: number[], toFolderId: number): Promise<Array<{ from: number; to: number }>>;
  /** Answers the messages as they are after the change. */
  storeFlags(folderId: number, uids: number[], operation: FlagOperation, flags: string[]): Promise<MessageMeta[]>;
  /** Removes the messages flagged \Deleted (only those among `uids` when given); answers the removed UIDs. */
  expunge(folderId: number, uids?: number[]): Promise<number[]>;
  /** Removes exactly these messages whatever their flags (POP3 DELE at QUIT). */
  remove(folderId: number, uids: number[]): Promise<number[]>;
  quota(accountId: number): Promise<Quota>;
  /** Called after any committed change to the folder, from any process; answers an unsubscribe function. */
  watch(folderId: number, listener: () => void): () => void;
}
