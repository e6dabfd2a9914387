/**
 * Step 2: AUTH (PLAIN or LOGIN) on the submission listener, decided by the access module
 * (access/): the account found by its address, its password, its and its domains' status,
 * the `smtp` service, and the failed-login limits. Any refusal of the credentials, the
 * status or the service is 535 5.7.8 with one text, so a client cannot tell a wrong password
 * from a suspended mailbox; too many failures and a directory that cannot answer are
 * temporary (454 4.7.0).
 */
import type { AuthenticatedUser, PipelineContext } from './context.js';
import { refuse } from './replies.js';

export async function authenticate(ctx: PipelineContext, clientIp: string, username: string | undefined, password: string | null | undefined): Promise<AuthenticatedUser> {
  const outcome = await ctx.access.login({ user: username ?? '', password: password ?? '', service: 'smtp', clientIp });
  if (outcome.ok) return { accountId: outcome.accountId, address: outcome.address };
  switch (outcome.reason) {
    case 'rate-limited':
      throw refuse.authThrottled();
    case 'unavailable':
      throw refuse.authUnavailable();
    default:
      throw refuse.authFailed();
  }
}
