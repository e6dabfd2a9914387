/** PASS (RFC 1939 section 7): right after USER; the rest of the line is the password, spaces included. */
import type { Pop3Command } from './command.js';
import { login } from './login.js';

export const pass: Pop3Command = {
  keyword: 'PASS',
  states: ['AUTHORIZATION'],
  async handle(session, command) {
    const name = session.pendingUser;
    session.pendingUser = null;
    if (!session.plainLoginAllowed) return session.err('[AUTH] USER/PASS needs TLS: send STLS first');
    if (name === null) return session.err('send USER first');
    await login(session, name, command.rest);
  },
};
