/**
 * The mail engine (data plane): SMTP in and out, storage, mailboxes, the queue, content
 * policy. The API runs it in-process by default; SCHOOLMAIL_ROLE=backend runs it alone.
 */
export * from './settings/effective-settings.js';
export * from './auth/passwords.js';
export * from './config.js';
export * from './contracts.js';
