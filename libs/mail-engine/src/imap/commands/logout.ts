/** LOGOUT (RFC 3501 6.1.3): BYE, the tagged OK, then the connection closes. */
import { ANY, command, ok } from './command.js';

export const logout = command({
  name: 'LOGOUT',
  states: ANY,
  parse: (args) => args.end(),
  async run(session) {
    session.unselect();
    await session.untagged('BYE Logging out');
    return { ...ok('LOGOUT completed'), after: async () => session.end() };
  },
});
