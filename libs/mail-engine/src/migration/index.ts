/** Moving customers from vpopmail/qmail: parsers of its files and importers into this platform. */
export * from './import-run.js';
export * from './csv.js';
export * from './vpopmail-account.js';
export * from './vpasswd.js';
export * from './vpopmail-csv.js';
export * from './vpopmail-aliases.js';
export * from './maildir-names.js';
export * from './maildir-scan.js';
export * from './maildir.js';
export * from './imap-import.js';
