/** RENAME (RFC 3501 6.3.5): renaming INBOX moves its messages to the new folder (done by the store). */
import { AUTHENTICATED, command, ok } from './command.js';

export const rename = command({
  name: 'RENAME',
  states: AUTHENTICATED,
  parse(args) {
    const from = args.mailbox('existing mailbox name');
    const to = args.mailbox('new mailbox name');
    args.end();
    return { from, to };
  },
  async run(session, { from, to }) {
    await session.context.store.renameFolder(session.accountId, from, to);
    return ok('RENAME completed');
  },
});
