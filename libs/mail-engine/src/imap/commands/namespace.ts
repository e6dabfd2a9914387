/** NAMESPACE (RFC 2342): one personal namespace, no prefix, "/" as the hierarchy separator. */
import { AUTHENTICATED, command, ok } from './command.js';

export const namespace = command({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  parse: (args) => args.end(),
  async run(session) {
    await session.untagged('NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
});
