/**
 * The mail engine (data plane): SMTP in and out, storage, mailboxes, the queue, content
 * policy. The API runs it in-process by default; SCHOOLMAIL_ROLE=backend runs it alone.
 */
export * from './settings/effective-settings.js';
export * from './auth/passwords.js';
export * from './migration/index.js';
export * from './config.js';
export * from './contracts.js';
export * from './policy/index.js';
export * from './mime/index.js';
export * from './storage/index.js';
export * from './mailbox/index.js';
export * from './queue/index.js';
export * from './acceptance/index.js';
export * from './smtp/index.js';
export * from './imap/index.js';
export * from './access/index.js';
export * from './mailstore/index.js';
export * from './notify/index.js';
export * from './engine.js';
export * from './rpop/index.js';
export * from './webhooks/index.js';
export * from './ldap/index.js';
export * from './cluster/index.js';
