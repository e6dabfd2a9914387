/**
 * The seams between the engine's parts. Each part implements one interface and depends on
 * the others only through these, so storage, mailboxes, the queue and the SMTP pipeline
 * can be read (and tested) apart.
 */
import type { PrismaClient } from '@schoolmail/prisma';

export type Db = PrismaClient;
/** What `prisma.$transaction(async (tx) => ...)` hands to its callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface StoredBlob {
  blobId: bigint;
  sha256: string;
  size: number;
}

/** Content-addressed message bytes in storage units (storage/). */
export interface BlobStore {
  /**
   * Makes `bytes` durable (file and directory fsynced) on the active storage unit of
   * `domainId` (or a shared unit) and returns its blob row, created or found by hash,
   * inside `tx` so the blob row commits with the rows that reference it.
   */
  store(tx: Tx, bytes: Buffer, domainId: number | null): Promise<StoredBlob>;
  /**
   * Writes the file only (durably), before any transaction is open; returns its hash.
   * `unique`: the bytes were never stored before (no lookup by hash ahead of the write).
   */
  write(bytes: Buffer, domainId: number | null, options?: { unique?: boolean }): Promise<{ sha256: string; size: number; storageUnitId: number }>;
  /** Creates or finds the blob row of a file written by `write`, inside `tx`. */
  record(tx: Tx, written: { sha256: string; size: number; storageUnitId: number }): Promise<StoredBlob>;
  /** Reads and verifies a blob; a corrupt one is isolated, reported and refused (BlobCorruptError). */
  read(blobId: bigint): Promise<Buffer>;
}

export interface MailboxDelivery {
  accountId: number;
  folderId: number;
  uid: number;
}

/** Mailbox folders and messages (mailbox/): what IMAP and POP3 will read. */
export interface Mailboxes {
  /**
   * Puts one stored message into the INBOX of each account (creating the default folders on
   * first use), allocating UIDs and adding to each account's quota usage, inside `tx`.
   */
  deliver(tx: Tx, message: { blobId: bigint; size: number; internalDate: Date; accountIds: number[]; flags?: string[] }): Promise<MailboxDelivery[]>;
}

export interface OutboundRequest {
  /** The queue id the client was told ("queued as ..."). */
  id: string;
  blobId: bigint;
  sender: string;
  recipients: string[];
  size: number;
  clientIp: string | null;
  authUser: string | null;
  senderDomainPath: string | null;
  /** Remote recipient -> domain path of the local alias or list that forwarded to it (queue scoping). */
  localDomainPaths?: ReadonlyMap<string, string>;
  isBounce?: boolean;
}

/** The outbound queue (queue/): one entry per remote recipient. */
export interface OutboundQueue {
  enqueue(tx: Tx, request: OutboundRequest): Promise<void>;
}

export interface QuarantineRequest {
  blobId: bigint;
  sender: string;
  recipient: string;
  accountId: number | null;
  domainPath: string;
  direction: 'inbound' | 'outbound';
  subject: string | null;
  matches: unknown;
}

/** Messages held for review by a word list with action `quarantine`. */
export interface Quarantine {
  add(tx: Tx, request: QuarantineRequest): Promise<void>;
}

/** A line of the engine's activity log (for the dashboard charts). */
export interface MailEventSink {
  record(event: { kind: 'accepted' | 'refused' | 'delivered' | 'deferred' | 'bounced' | 'quarantined'; queueId?: string; sender?: string; recipient?: string; domainPath?: string; detail?: string }): void;
}
