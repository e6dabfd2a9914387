/**
 * SELECT and EXAMINE (RFC 3501 6.3.1, 6.3.2): the mailbox's flags, size and UID state; a
 * failed SELECT leaves no mailbox selected.
 */
import type { Arguments } from '../parser/arguments.js';
import type { Session } from '../session/session.js';
import { AUTHENTICATED, command, no, ok, type Completion } from './command.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

async function open(session: Session, mailbox: string, readOnly: boolean): Promise<Completion> {
  session.unselect();
  const folder = await session.context.store.folder(session.accountId, mailbox);
  if (!folder) return no(`No mailbox named ${mailbox}`, 'NONEXISTENT');
  const selected = await session.select(folder, readOnly);
  const messages = await selected.load();
  const keywords = [...new Set(messages.flatMap((m) => m.flags.filter((flag) => !flag.startsWith('\\'))))];
  const flags = [...SYSTEM_FLAGS, ...keywords].join(' ');
  const firstUnseen = messages.findIndex((m) => !m.flags.includes('\\Seen'));
  const uidNext = Math.max(folder.uidNext, (messages.at(-1)?.uid ?? 0) + 1);
  await session.untagged(
    [
      `FLAGS (${flags})`,
      `OK [PERMANENTFLAGS (${readOnly ? '' : `${flags} \\*`})] ${readOnly ? 'Read-only mailbox' : 'Flags permitted'}`,
      `${messages.length} EXISTS`,
      '0 RECENT',
      ...(firstUnseen >= 0 ? [`OK [UNSEEN ${firstUnseen + 1}] First unseen message`] : []),
      `OK [UIDVALIDITY ${folder.uidValidity}] UIDs valid`,
      `OK [UIDNEXT ${uidNext}] Predicted next UID`,
    ].join('\r\n* '),
  );
  return ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

const parse = (args: Arguments) => {
  const mailbox = args.mailbox();
  args.end();
  return mailbox;
};

export const select = command({ name: 'SELECT', states: AUTHENTICATED, parse, run: (session, mailbox) => open(session, mailbox, false) });
export const examine = command({ name: 'EXAMINE', states: AUTHENTICATED, parse, run: (session, mailbox) => open(session, mailbox, true) });
