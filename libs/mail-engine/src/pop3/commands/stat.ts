/** STAT (RFC 1939 section 5): count and octets of the messages not marked deleted. */
import type { Pop3Command } from './command.js';

export const stat: Pop3Command = {
  keyword: 'STAT',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length) return session.err('STAT takes no argument');
    session.ok(`${session.maildrop.live().length} ${session.maildrop.totalOctets()}`);
  },
};
