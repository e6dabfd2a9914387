/** LIST and UIDL share their shape: one message when numbered, else a listing of every message not marked deleted. */
import { parseMessageNumber, type CommandLine } from '../parser.js';
import type { MaildropMessage } from '../maildrop.js';
import { textLines } from '../multiline.js';
import { errors } from '../responses.js';
import type { Pop3Session } from '../session.js';

export async function listing(session: Pop3Session, command: CommandLine, describe: (message: MaildropMessage) => string): Promise<void> {
  if (command.args.length > 1) return session.err(`${command.keyword} takes at most one message number`);
  if (command.args.length === 1) {
    const number = parseMessageNumber(command.args[0]);
    if (number === null) return session.err(`invalid message number ${command.args[0]!.slice(0, 20)}`);
    const message = session.maildrop.get(number);
    if (!message) return session.err(errors.noSuchMessage);
    return session.ok(`${number} ${describe(message)}`);
  }
  const messages = session.maildrop.live();
  session.ok(`${messages.length} message${messages.length === 1 ? '' : 's'}`);
  await session.send(textLines(messages.map((message) => `${message.number} ${describe(message)}`)));
}
