/** CAPABILITY (RFC 3501 6.1.1): what this server offers in the current state. */
import { ANY, command, ok } from './command.js';

export const capability = command({
  name: 'CAPABILITY',
  states: ANY,
  parse: (args) => args.end(),
  async run(session) {
    await session.untagged(`CAPABILITY ${session.capabilities().join(' ')}`);
    return ok('CAPABILITY completed');
  },
});
