/** NOOP (RFC 3501 6.1.2): does nothing; the changes to the selected mailbox are reported as after any command. */
import { ANY, command, ok } from './command.js';

export const noop = command({
  name: 'NOOP',
  states: ANY,
  parse: (args) => args.end(),
  run: async () => ok('NOOP completed'),
});
