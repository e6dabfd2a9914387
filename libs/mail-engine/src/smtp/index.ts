/** SMTP in: the MX and submission listeners and the acceptance pipeline behind them. */
export { startSmtpListeners, type SmtpListeners, type SmtpListenerOptions } from './server.js';
export { loadTlsCredentials, type TlsCredentials } from './tls.js';
export { Directory, normalizeAddress, type MailboxInfo, type Resolution, type LocalDomain } from './recipients.js';
export { BatchedMailEvents } from './events.js';
export { GroupCommitter, type GroupCommitterOptions, type TransactionWork, type CommittedEvent } from './committer.js';
export { ConnectionLimiter } from './connection-limits.js';
export { TrustedClients } from './trust.js';
export { WordListScanner } from './word-lists.js';
export { SmtpReply } from './replies.js';
export type { PipelineContext } from './context.js';
