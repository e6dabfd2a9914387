/** ENABLE (RFC 5161): none of this server's extensions needs enabling, so nothing is enabled. */
import { AUTHENTICATED, command, ok } from './command.js';

export const enable = command({
  name: 'ENABLE',
  states: AUTHENTICATED,
  parse(args) {
    const capabilities = [args.keyword('capability')];
    while (!args.done) capabilities.push(args.keyword('capability'));
    return capabilities;
  },
  async run(session) {
    await session.untagged('ENABLED');
    return ok('ENABLE completed');
  },
});
