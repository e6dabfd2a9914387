/** DELETE (RFC 3501 6.3.4): INBOX cannot be deleted; the store refuses it. */
import { AUTHENTICATED, command, ok } from './command.js';

export const deleteMailbox = command({
  name: 'DELETE',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox();
    args.end();
    return mailbox;
  },
  async run(session, mailbox) {
    if (session.selected?.folder.name === mailbox) session.unselect();
    await session.context.store.deleteFolder(session.accountId, mailbox);
    return ok('DELETE completed');
  },
});
