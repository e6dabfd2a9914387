/**
 * The login shared by PASS and AUTH PLAIN: MailAccess decides (credentials, the `pop3`
 * service toggle at account, domain and class-of-service level, rate limits), and each
 * refusal carries its RFC 2449 / RFC 3206 response code. A successful login takes the
 * maildrop lock and snapshots the INBOX.
 */
import { Maildrop } from '../maildrop.js';
import { oneLine, responseCodes } from '../responses.js';
import type { Pop3Session } from '../session.js';

/** Failed logins in one connection after which it is closed. */
const MAX_FAILED_LOGINS = 3;

export async function login(session: Pop3Session, user: string, password: string): Promise<void> {
  const { access, store, locks } = session.ctx;
  const outcome = await access.login({ user, password, service: 'pop3', clientIp: session.clientIp });
  if (!outcome.ok) {
    switch (outcome.reason) {
      case 'credentials':
        session.failedLogins++;
        if (session.failedLogins >= MAX_FAILED_LOGINS) return session.end(`-ERR ${responseCodes.auth} invalid user name or password; too many failures, closing\r\n`);
        return session.err(`${responseCodes.auth} invalid user name or password`);
      case 'disabled':
        return session.err(`${responseCodes.sysPerm} ${oneLine(outcome.message)}`);
      case 'rate-limited':
        return session.err(`${responseCodes.sysTemp} too many attempts, try again in ${outcome.retryAfterSeconds} seconds`);
      case 'unavailable':
        return session.err(`${responseCodes.sysTemp} ${oneLine(outcome.message)}`);
    }
  }
  if (!locks.tryLock(outcome.accountId)) return session.err(`${responseCodes.inUse} the maildrop is in use by another POP3 session`);
  try {
    const inbox = await store.folder(outcome.accountId, 'INBOX');
    const maildrop = inbox ? new Maildrop(inbox.id, inbox.uidValidity, await store.messages(inbox.id)) : Maildrop.empty();
    session.enterTransaction({ accountId: outcome.accountId, address: outcome.address }, maildrop);
    const count = maildrop.live().length;
    session.ok(`${outcome.address} has ${count} message${count === 1 ? '' : 's'} (${maildrop.totalOctets()} octets)`);
  } catch (error) {
    locks.release(outcome.accountId);
    throw error;
  }
}
