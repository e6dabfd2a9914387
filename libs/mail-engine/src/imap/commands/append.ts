/**
 * APPEND (RFC 3501 6.3.11, RFC 4315 APPENDUID): flags and internal date are optional; the
 * message counts against the quota (OVERQUOTA) and must fit the account's largest message
 * size (TOOBIG); a missing mailbox answers TRYCREATE.
 */
import { parseDateTime } from '../parser/date-time.js';
import { ParseError } from '../parser/errors.js';
import { AUTHENTICATED, command, no, ok } from './command.js';
import { storeRefusal } from './store-refusals.js';

export const append = command({
  name: 'APPEND',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox();
    const flags = args.peek()?.type === 'list' ? args.flagList() : [];
    const next = args.peek();
    const date = next?.type === 'string' && !next.literal ? parseDateTime(args.string('date-time').toString('latin1')) : undefined;
    const message = args.string('message literal');
    args.end();
    if (message.length === 0) throw new ParseError('The message is empty');
    return { mailbox, flags, date, message };
  },
  async run(session, { mailbox, flags, date, message }) {
    const settings = await session.context.access.settings(session.accountId);
    const maxBytes = settings ? settings.maxMessageSizeKb.value * 1024 : Number.POSITIVE_INFINITY;
    if (message.length > maxBytes) return no(`Message too large (at most ${maxBytes} bytes)`, 'TOOBIG');
    const folder = await session.context.store.folder(session.accountId, mailbox);
    if (!folder) return no(`No mailbox named ${mailbox}`, 'TRYCREATE');
    try {
      const { uid, uidValidity } = await session.context.store.append(session.accountId, folder.id, message, flags, date ?? new Date());
      if (session.selected?.folder.id === folder.id) session.selected.changed();
      return ok('APPEND completed', `APPENDUID ${uidValidity} ${uid}`);
    } catch (error) {
      const refusal = storeRefusal(error, { target: true });
      if (refusal) return refusal;
      throw error;
    }
  },
});
