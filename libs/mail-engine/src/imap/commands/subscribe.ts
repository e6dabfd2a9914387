/** SUBSCRIBE (RFC 3501 6.3.6). */
import { AUTHENTICATED, command, ok } from './command.js';

export const subscribe = command({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox();
    args.end();
    return mailbox;
  },
  async run(session, mailbox) {
    await session.context.store.setSubscribed(session.accountId, mailbox, true);
    return ok('SUBSCRIBE completed');
  },
});
