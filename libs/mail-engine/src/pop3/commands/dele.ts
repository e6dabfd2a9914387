/** DELE (RFC 1939 section 5): only marks the message; it is removed at QUIT. */
import { parseMessageNumber } from '../parser.js';
import { errors } from '../responses.js';
import type { Pop3Command } from './command.js';

export const dele: Pop3Command = {
  keyword: 'DELE',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length !== 1) return session.err('DELE needs one message number');
    const number = parseMessageNumber(command.args[0]);
    if (number === null) return session.err(`invalid message number ${command.args[0]!.slice(0, 20)}`);
    if (!session.maildrop.get(number)) return session.err(number <= session.maildrop.size ? errors.alreadyDeleted : errors.noSuchMessage);
    session.maildrop.markDeleted(number);
    session.ok(`message ${number} deleted`);
  },
};
