/** CLOSE (RFC 3501 6.4.2): expunges silently (unless read-only) and leaves the selected state. */
import { command, ok, SELECTED } from './command.js';

export const close = command({
  name: 'CLOSE',
  states: SELECTED,
  parse: (args) => args.end(),
  async run(session) {
    const selected = session.selected!;
    session.unselect();
    if (!selected.readOnly) await session.context.store.expunge(selected.folder.id);
    return ok('CLOSE completed');
  },
});
