/** UNSELECT (RFC 3691): leaves the selected state without expunging. */
import { command, ok, SELECTED } from './command.js';

export const unselect = command({
  name: 'UNSELECT',
  states: SELECTED,
  parse: (args) => args.end(),
  async run(session) {
    session.unselect();
    return ok('UNSELECT completed');
  },
});
