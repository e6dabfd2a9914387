/** UNSUBSCRIBE (RFC 3501 6.3.7). */
import { AUTHENTICATED, command, ok } from './command.js';

export const unsubscribe = command({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox();
    args.end();
    return mailbox;
  },
  async run(session, mailbox) {
    await session.context.store.setSubscribed(session.accountId, mailbox, false);
    return ok('UNSUBSCRIBE completed');
  },
});
