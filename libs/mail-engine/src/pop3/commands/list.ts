/** LIST (RFC 1939 section 5): message sizes in octets. */
import type { Pop3Command } from './command.js';
import { listing } from './listing.js';

export const list: Pop3Command = {
  keyword: 'LIST',
  states: ['TRANSACTION'],
  handle: (session, command) => listing(session, command, (message) => String(message.meta.size)),
};
