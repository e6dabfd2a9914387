export { startImapListeners, type ImapListeners, type ImapListenerOptions } from './server.js';
export type { ImapContext } from './session/context.js';
