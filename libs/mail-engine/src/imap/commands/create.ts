/** CREATE (RFC 3501 6.3.3): a trailing separator only says children are intended, so it is dropped. */
import { ParseError } from '../parser/errors.js';
import { AUTHENTICATED, command, no, ok } from './command.js';

export const create = command({
  name: 'CREATE',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox().replace(/\/+$/, '');
    args.end();
    if (!mailbox || mailbox.split('/').some((level) => level === '')) throw new ParseError('Invalid mailbox name');
    return mailbox;
  },
  async run(session, mailbox) {
    if (mailbox === 'INBOX') return no('INBOX always exists', 'ALREADYEXISTS');
    await session.context.store.createFolder(session.accountId, mailbox);
    return ok('CREATE completed');
  },
});
