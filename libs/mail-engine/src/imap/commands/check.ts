/** CHECK (RFC 3501 6.4.1): every change is already durable, so it is a NOOP that reports pending changes. */
import { command, ok, SELECTED } from './command.js';

export const check = command({
  name: 'CHECK',
  states: SELECTED,
  parse: (args) => args.end(),
  run: async () => ok('CHECK completed'),
});
