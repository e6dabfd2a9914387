/** TOP (RFC 1939 section 7): the header section and the first n lines of the body. */
import { parseMessageNumber } from '../parser.js';
import { stuffMessage, topOfMessage } from '../multiline.js';
import { errors } from '../responses.js';
import type { Pop3Command } from './command.js';

export const top: Pop3Command = {
  keyword: 'TOP',
  states: ['TRANSACTION'],
  async handle(session, command) {
    if (command.args.length !== 2) return session.err('TOP needs a message number and a line count');
    const number = parseMessageNumber(command.args[0]);
    if (number === null) return session.err(`invalid message number ${command.args[0]!.slice(0, 20)}`);
    if (!/^[0-9]{1,9}$/.test(command.args[1]!)) return session.err(`invalid line count ${command.args[1]!.slice(0, 20)}`);
    const message = session.maildrop.get(number);
    if (!message) return session.err(errors.noSuchMessage);
    const bytes = await session.ctx.store.read(message.meta.blobId);
    session.ok('top of message follows');
    await session.send(stuffMessage(topOfMessage(bytes, Number(command.args[1]))));
  },
};
