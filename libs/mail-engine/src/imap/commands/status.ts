/** STATUS (RFC 3501 6.3.10): MESSAGES, RECENT (always 0: no session-recent tracking), UIDNEXT, UIDVALIDITY, UNSEEN. */
import { ParseError } from '../parser/errors.js';
import { AUTHENTICATED, command, no, ok } from './command.js';
import { wireName } from './mailbox-name.js';

const ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'] as const;
type Item = (typeof ITEMS)[number];

export const status = command({
  name: 'STATUS',
  states: AUTHENTICATED,
  parse(args) {
    const mailbox = args.mailbox();
    const items = args.list('status items').map((token) => {
      const name = token.type === 'atom' ? token.value.toUpperCase() : '';
      if (!ITEMS.includes(name as Item)) throw new ParseError(`Unknown STATUS item${name ? ` ${name}` : ''}`);
      return name as Item;
    });
    args.end();
    if (items.length === 0) throw new ParseError('STATUS needs at least one item');
    return { mailbox, items };
  },
  async run(session, { mailbox, items }) {
    const folder = await session.context.store.folder(session.accountId, mailbox);
    if (!folder) return no(`No mailbox named ${mailbox}`, 'NONEXISTENT');
    const counts = await session.context.store.status(folder.id);
    const values: Record<Item, number> = { MESSAGES: counts.messages, RECENT: 0, UIDNEXT: counts.uidNext, UIDVALIDITY: counts.uidValidity, UNSEEN: counts.unseen };
    await session.untagged(`STATUS ${wireName(folder.name)} (${items.map((item) => `${item} ${values[item]}`).join(' ')})`);
    return ok('STATUS completed');
  },
});
