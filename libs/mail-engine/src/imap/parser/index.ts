export * from './arguments.js';
export * from './date-time.js';
export * from './errors.js';
export * from './fetch-items.js';
export * from './mailbox-name.js';
export * from './search-program.js';
export * from './sequence-set.js';
export * from './tokens.js';
