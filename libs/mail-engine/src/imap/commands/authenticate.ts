/**
 * AUTHENTICATE PLAIN (RFC 3501 6.2.2, RFC 4616), with the initial response on the command
 * line (SASL-IR, RFC 4959) or after a "+" continuation; "*" cancels.
 */
import { bad, command, no, NOT_AUTHENTICATED } from './command.js';
import { logIn, PRIVACY_REQUIRED } from './log-in.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const authenticate = command({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  parse(args) {
    const mechanism = args.keyword('authentication mechanism');
    const initial = args.done ? undefined : args.astring('initial response');
    args.end();
    return { mechanism, initial };
  },
  async run(session, { mechanism, initial }) {
    if (mechanism !== 'PLAIN') return no(`Authentication mechanism ${mechanism.slice(0, 20)} is not supported (use PLAIN)`, 'CANNOT');
    if (!session.mayAuthenticate) return PRIVACY_REQUIRED;
    let response = initial;
    if (response === undefined) {
      await session.continuation('');
      const line = await session.readLine();
      if (line === null) return bad('Authentication response missing or too long');
      response = line;
    }
    if (response === '*') return bad('Authentication cancelled');
    if (response === '=') response = '';
    if (!BASE64.test(response)) return bad('The authentication response is not base64');
    const [authzid, user, password, ...rest] = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (user === undefined || password === undefined || rest.length) return bad('Malformed PLAIN response (authzid NUL user NUL password)');
    if (authzid && authzid.toLowerCase() !== user.toLowerCase()) return no('Logging in as another user is not allowed', 'AUTHORIZATIONFAILED');
    return logIn(session, user, password);
  },
});
