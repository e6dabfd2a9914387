/**
 * What the pipeline steps share: the engine's parts (through contracts.ts), the cached
 * lookups, and the state of each SMTP session.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { MailAccess } from '../access/types.js';
import type { EngineConfig } from '../config.js';
import type { BlobStore, Db, Mailboxes, MailEventSink, OutboundQueue, Quarantine } from '../contracts.js';
import type { GroupCommitter } from './committer.js';
import type { ConnectionLimiter } from './connection-limits.js';
import type { OrphanFiles } from './orphans.js';
import type { Directory, MailboxInfo, Resolution } from './recipients.js';
import type { SendingRate } from './sending-rate.js';
import type { WordListScanner } from './word-lists.js';

export interface PipelineContext {
  db: Db;
  config: EngineConfig;
  log: (line: string) => void;
  blobs: BlobStore;
  mailboxes: Mailboxes;
  queue: OutboundQueue;
  quarantine: Quarantine;
  events: MailEventSink;
  committer: GroupCommitter;
  /** Removes the files of messages whose transaction failed (absent: they stay). */
  orphans?: OrphanFiles;
  directory: Directory;
  wordLists: WordListScanner;
  connections: ConnectionLimiter;
  /** AUTH: credentials, status, the smtp service toggle and failed-login limits. */
  access: MailAccess;
  /** The class of service's messages per hour for authenticated senders, counted in the database. */
  sendingRate: SendingRate;
  /** Called after a commit that queued remote recipients (wakes idle queue workers). */
  notifyQueued?: () => void;
}

/** The account a submission session authenticated as. */
export interface AuthenticatedUser {
  accountId: number;
  address: string;
}

export type Listener = 'mx' | 'submission';

/** One accepted RCPT TO. */
export interface AcceptedRecipient {
  address: string;
  resolution: Resolution;
}

export interface SessionState {
  listener: Listener;
  /** The client a transaction is decided for: the connection's peer, or the one a front-end forwarded with XCLIENT. */
  clientIp: string;
  /** Who opened the connection (a front-end's or another back-end's address in a cluster). */
  peerIp: string;
  /** A back-end of this cluster relaying mail for a mailbox held here (cluster-peers.ts). */
  internalRelay: boolean;
  /** Counted by the connection limiter (released on close). */
  counted: boolean;
  /** Addresses this user may send as, decided once per session each. */
  sendAs: Map<string, boolean>;
  transaction: Transaction;
}

export interface Transaction {
  sender: string;
  /** The authenticated sender's mailbox (its class of service limits the message). */
  senderMailbox: MailboxInfo | null;
  /** The local-domain path of the sender, for queue scoping; null when not local. */
  senderDomainPath: string | null;
  senderDomainId: number | null;
  /** SIZE declared in MAIL FROM, 0 when none. */
  declaredSize: number;
  /** The authenticated account whose sending rate this message counts towards; null: not counted. */
  sendingRateAccountId: number | null;
  recipients: Map<string, AcceptedRecipient>;
}

export const newTransaction = (): Transaction => ({
  sender: '',
  senderMailbox: null,
  senderDomainPath: null,
  senderDomainId: null,
  declaredSize: 0,
  sendingRateAccountId: null,
  recipients: new Map(),
});

const states = new WeakMap<SMTPServerSession, SessionState>();

export function stateOf(session: SMTPServerSession, listener?: Listener): SessionState {
  let state = states.get(session);
  if (!state) {
    state = { listener: listener ?? 'mx', clientIp: session.remoteAddress, peerIp: session.remoteAddress, internalRelay: false, counted: false, sendAs: new Map(), transaction: newTransaction() };
    states.set(session, state);
  }
  return state;
}

export function userOf(session: SMTPServerSession): AuthenticatedUser | null {
  return (session.user as AuthenticatedUser | undefined) ?? null;
}
