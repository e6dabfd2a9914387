/** USER (RFC 1939 section 7): remembers the name for PASS; refused in the clear unless the operator allows it. */
import type { Pop3Command } from './command.js';

export const user: Pop3Command = {
  keyword: 'USER',
  states: ['AUTHORIZATION'],
  async handle(session, command) {
    session.pendingUser = null;
    if (!session.plainLoginAllowed) return session.err('[AUTH] USER/PASS needs TLS: send STLS first');
    if (command.rest.trim() === '') return session.err('USER needs a name');
    session.pendingUser = command.rest.trim();
    session.ok('send PASS');
  },
};
