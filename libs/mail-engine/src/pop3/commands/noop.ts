/** NOOP (RFC 1939 section 5). */
import type { Pop3Command } from './command.js';

export const noop: Pop3Command = {
  keyword: 'NOOP',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length) return session.err('NOOP takes no argument');
    session.ok('');
  },
};
