/** LOGIN (RFC 3501 6.2.3): user name and password as astrings; refused before TLS unless plain authentication is allowed. */
import { command, NOT_AUTHENTICATED } from './command.js';
import { logIn, PRIVACY_REQUIRED } from './log-in.js';

export const login = command({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  parse(args) {
    const user = args.astring('user name');
    const password = args.astring('password');
    args.end();
    return { user, password };
  },
  async run(session, { user, password }) {
    if (!session.mayAuthenticate) return PRIVACY_REQUIRED;
    return logIn(session, user, password);
  },
});
