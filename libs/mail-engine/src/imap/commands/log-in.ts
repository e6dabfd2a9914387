/**
 * The end of LOGIN and AUTHENTICATE: the access decision as IMAP words it (RFC 5530 codes).
 * A refused service names the reason and who to ask; a rate-limited client is told to wait.
 */
import type { Session } from '../session/session.js';
import { no, ok, type Completion } from './command.js';

export const PRIVACY_REQUIRED = no('Log in after STARTTLS (plaintext login is disabled)', 'PRIVACYREQUIRED');

export async function logIn(session: Session, user: string, password: string): Promise<Completion> {
  const outcome = await session.context.access.login({ user, password, service: 'imap', clientIp: session.connection.remoteAddress });
  if (outcome.ok) {
    session.loggedIn({ id: outcome.accountId, address: outcome.address });
    return ok('Logged in', `CAPABILITY ${session.capabilities().join(' ')}`);
  }
  switch (outcome.reason) {
    case 'credentials':
      return no('Invalid user name or password', 'AUTHENTICATIONFAILED');
    case 'disabled':
      return no(outcome.message, 'CONTACTADMIN');
    case 'rate-limited':
      return no(`Too many failed login attempts; try again in ${outcome.retryAfterSeconds} seconds`, 'UNAVAILABLE');
    case 'unavailable':
      return no(outcome.message, 'UNAVAILABLE');
  }
}
