/**
 * AUTH (RFC 5034) with the PLAIN mechanism (RFC 4616): the credentials in the initial
 * response ("=" for an empty one) or after a "+ " continuation; "*" cancels. `AUTH` alone
 * lists the mechanisms, as older clients expect (RFC 1734).
 */
import { textLines } from '../multiline.js';
import type { Pop3Session } from '../session.js';
import type { Pop3Command } from './command.js';
import { login } from './login.js';

function decodePlain(response: string): { user: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response) || response.length % 4 !== 0) return null;
  const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [authorizationId, user, password] = parts as [string, string, string];
  // Acting as someone else (an authorization identity of another user) is not offered.
  if (!user || !password || (authorizationId !== '' && authorizationId !== user)) return null;
  return { user, password };
}

async function continuation(session: Pop3Session): Promise<string | null> {
  await session.send('+ \r\n');
  const event = await session.nextLine();
  if (!event) return null;
  if (event.kind === 'overlong') {
    session.err('[AUTH] authentication response too long');
    return null;
  }
  return event.line;
}

export const auth: Pop3Command = {
  keyword: 'AUTH',
  states: ['AUTHORIZATION'],
  async handle(session, command) {
    const [mechanism, initial, extra] = command.args;
    if (mechanism === undefined) {
      session.ok('mechanisms follow');
      return session.send(textLines(session.plainLoginAllowed ? ['PLAIN'] : []));
    }
    if (mechanism.toUpperCase() !== 'PLAIN' || extra !== undefined) return session.err(`unsupported authentication mechanism ${mechanism.slice(0, 40)}`);
    if (!session.plainLoginAllowed) return session.err('[AUTH] AUTH PLAIN needs TLS: send STLS first');
    const response = initial === undefined ? await continuation(session) : initial === '=' ? '' : initial;
    if (response === null) return;
    if (response === '*') return session.err('authentication cancelled');
    const credentials = decodePlain(response);
    if (!credentials) return session.err('[AUTH] malformed PLAIN response');
    await login(session, credentials.user, credentials.password);
  },
};
