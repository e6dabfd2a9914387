/** RSET (RFC 1939 section 5): unmarks every message marked by DELE. */
import type { Pop3Command } from './command.js';

export const rset: Pop3Command = {
  keyword: 'RSET',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length) return session.err('RSET takes no argument');
    session.maildrop.unmarkAll();
    const count = session.maildrop.live().length;
    session.ok(`maildrop has ${count} message${count === 1 ? '' : 's'} (${session.maildrop.totalOctets()} octets)`);
  },
};
