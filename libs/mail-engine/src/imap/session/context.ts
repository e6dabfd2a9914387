/** What a session needs from the engine: storage, the access decisions, TLS and limits. */
import type { MailAccess } from '../../access/types.js';
import type { MailStore } from '../../mailstore/types.js';
import type { TlsCredentials } from '../../smtp/tls.js';
import type { StructureCache } from './structure-cache.js';

export interface ImapContext {
  store: MailStore;
  access: MailAccess;
  tls: TlsCredentials;
  log: (line: string) => void;
  /** LOGIN and AUTHENTICATE without TLS (local trials only); otherwise LOGINDISABLED until STARTTLS. */
  allowPlainAuth: boolean;
  /** The largest APPEND literal: the largest message any class of service allows. */
  maxMessageBytes: () => number;
  /** Autologout after this long without a command (RFC 3501 5.4: at least 30 minutes). */
  idleTimeoutMs: number;
  maxLineBytes: number;
}

/** What the listener adds for its sessions. */
export interface SessionContext extends ImapContext {
  structures: StructureCache;
}

export const CAPABILITIES = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'SPECIAL-USE', 'CHILDREN'];
