/** STLS (RFC 2595 section 4): before login, once. */
import type { Pop3Command } from './command.js';

export const stls: Pop3Command = {
  keyword: 'STLS',
  states: ['AUTHORIZATION'],
  async handle(session, command) {
    if (command.args.length) return session.err('STLS takes no argument');
    if (session.tlsActive) return session.err('TLS is already active');
    session.ok('begin TLS negotiation');
    session.startTls();
  },
};
