/** What every POP3 session shares: the engine's access and store, the configuration, TLS and the maildrop locks. */
import type { SecureContext } from 'node:tls';
import type { MailAccess } from '../access/types.js';
import type { EngineConfig } from '../config.js';
import type { MailStore } from '../mailstore/types.js';
import type { MaildropLocks } from './maildrop.js';

export interface Pop3Context {
  access: MailAccess;
  store: MailStore;
  config: Pick<EngineConfig, 'hostname' | 'allowPlainAuth'>;
  log: (line: string) => void;
  secureContext: SecureContext;
  locks: MaildropLocks;
  /** Idle time before the autologout (RFC 1939 section 3: at least 10 minutes). */
  idleTimeoutMs: number;
}
