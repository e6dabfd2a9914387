/** STARTTLS (RFC 3501 6.2.1): the handshake starts right after the tagged OK; nothing sent before it counts. */
import { bad, command, NOT_AUTHENTICATED, ok } from './command.js';

export const starttls = command({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  parse: (args) => args.end(),
  async run(session) {
    if (session.connection.secure) return bad('TLS is already active');
    return { ...ok('Begin TLS negotiation now'), after: () => session.connection.startTls(session.context.tls) };
  },
});
