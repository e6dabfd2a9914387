/**
 * MailStore on PostgreSQL (folders, messages, UIDs, flags, quota) and the engine's blob
 * store (bytes, single-instance, verified on read). The operations live in folders.ts and
 * messages.ts; this class binds them to their dependencies.
 */
import type { BlobStore, Db } from '../contracts.js';
import type { FolderWatchers } from './folder-watchers.js';
import * as folders from './folders.js';
import * as messages from './messages.js';
import type { QuotaLimit } from './messages.js';
import { MailStoreError, type FlagOperation, type FolderInfo, type FolderStatus, type MailStore, type MessageMeta, type Quota } from './types.js';

export interface PrismaMailStoreOptions {
  db: Db;
  blobs: BlobStore;
  /** The account's quota from its effective class of service (MailAccess.settings). */
  quotaLimit: QuotaLimit;
  watchers: FolderWatchers;
}

export class PrismaMailStore implements MailStore {
  private readonly db: Db;
  private readonly blobs: BlobStore;
  private readonly quotaLimit: QuotaLimit;
  private readonly watchers: FolderWatchers;

  constructor(options: PrismaMailStoreOptions) {
    ({ db: this.db, blobs: this.blobs, quotaLimit: this.quotaLimit, watchers: this.watchers } = options);
  }

  listFolders(accountId: number): Promise<FolderInfo[]> {
    return folders.listFolders(this.db, accountId);
  }

  folder(accountId: number, name: string): Promise<FolderInfo | null> {
    return folders.findFolder(this.db, accountId, name);
  }

  createFolder(accountId: number, name: string): Promise<FolderInfo> {
    return folders.createFolder(this.db, accountId, name);
  }

  deleteFolder(accountId: number, name: string): Promise<void> {
    return folders.deleteFolder(this.db, accountId, name);
  }

  renameFolder(accountId: number, from: string, to: string): Promise<void> {
    return folders.renameFolder(this.db, accountId, from, to);
  }

  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    return folders.setSubscribed(this.db, accountId, name, subscribed);
  }

  status(folderId: number): Promise<FolderStatus> {
    return messages.folderStatus(this.db, folderId);
  }

  messages(folderId: number): Promise<MessageMeta[]> {
    return messages.listMessages(this.db, folderId);
  }

  changedSince(folderId: number, modSeq: bigint): Promise<MessageMeta[]> {
    return messages.changedSince(this.db, folderId, modSeq);
  }

  read(blobId: bigint): Promise<Buffer> {
    return this.blobs.read(blobId);
  }

  append(accountId: number, folderId: number, bytes: Buffer, flags: string[], internalDate: Date): Promise<{ uid: number; uidValidity: number }> {
    return messages.appendMessage(this.db, this.blobs, this.quotaLimit, { accountId, folderId, bytes, flags, internalDate });
  }

  copy(accountId: number, fromFolderId: number, uids: number[], toFolderId: number): Promise<Array<{ from: number; to: number }>> {
    return messages.copyMessages(this.db, this.quotaLimit, accountId, fromFolderId, uids, toFolderId);
  }

  move(accountId: number, fromFolderId: number, uids: number[], toFolderId: number): Promise<Array<{ from: number; to: number }>> {
    return messages.moveMessages(this.db, accountId, fromFolderId, uids, toFolderId);
  }

  storeFlags(folderId: number, uids: number[], operation: FlagOperation, flags: string[]): Promise<MessageMeta[]> {
    return messages.storeFlags(this.db, folderId, uids, operation, flags);
  }

  expunge(folderId: number, uids?: number[]): Promise<number[]> {
    return messages.expungeMessages(this.db, folderId, uids);
  }

  remove(folderId: number, uids: number[]): Promise<number[]> {
    return messages.removeMessages(this.db, folderId, uids);
  }

  async quota(accountId: number): Promise<Quota> {
    const account = await this.db.account.findUnique({ where: { id: accountId }, select: { quotaUsedBytes: true } });
    if (!account) throw new MailStoreError('nonexistent', 'no such account');
    return { usedBytes: account.quotaUsedBytes, limitBytes: await this.quotaLimit(accountId) };
  }

  watch(folderId: number, listener: () => void): () => void {
    return this.watchers.watch(folderId, listener);
  }
}
