/** RETR (RFC 1939 section 5): the whole message, byte-stuffed. */
import { parseMessageNumber } from '../parser.js';
import { stuffMessage } from '../multiline.js';
import { errors } from '../responses.js';
import type { Pop3Command } from './command.js';

export const retr: Pop3Command = {
  keyword: 'RETR',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length !== 1) return session.err('RETR needs one message number');
    const number = parseMessageNumber(command.args[0]);
    if (number === null) return session.err(`invalid message number ${command.args[0]!.slice(0, 20)}`);
    const message = session.maildrop.get(number);
    if (!message) return session.err(errors.noSuchMessage);
    const bytes = await session.ctx.store.read(message.meta.blobId);
    session.ok(`${message.meta.size} octets`);
    await session.send(stuffMessage(bytes));
  },
};
