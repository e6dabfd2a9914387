/** UIDL (RFC 1939 section 7): unique ids that stay the same in every session (UIDVALIDITY.UID). */
import type { Pop3Command } from './command.js';
import { listing } from './listing.js';

export const uidl: Pop3Command = {
  keyword: 'UIDL',
  states: ['TRANSACTION'],
  handle: (session, command) => listing(session, command, (message) => message.uidl),
};
