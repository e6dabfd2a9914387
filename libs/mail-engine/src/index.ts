/**
 * The mail engine (data plane). For now it holds the effective-settings resolver, which the
 * API uses today and the SMTP/POP3/IMAP listeners will use at protocol time.
 */
export * from './settings/effective-settings.js';
