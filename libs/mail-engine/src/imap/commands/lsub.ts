/** LSUB (RFC 3501 6.3.9): LIST over the subscribed folders. */
import { AUTHENTICATED, command, ok } from './command.js';
import { listFolders } from './list.js';

export const lsub = command({
  name: 'LSUB',
  states: AUTHENTICATED,
  parse(args) {
    const reference = args.pattern('reference name');
    const pattern = args.pattern('mailbox pattern');
    args.end();
    return { reference, pattern };
  },
  async run(session, { reference, pattern }) {
    await listFolders(session, 'LSUB', reference, pattern);
    return ok('LSUB completed');
  },
});
