/**
 * The cluster's own machines (SCHOOLMAIL_CLUSTER_NETWORKS): nginx front-ends and the other
 * back-ends. Only they may use XCLIENT (http://www.postfix.org/XCLIENT_README.html), which
 * nginx's SMTP proxy sends to hand over the real client's address and the login it verified
 * through auth_http; and a back-end relaying mail for a mailbox held here comes from them, so
 * a local-domain sender is not taken for impersonation (content checks still apply: the
 * recipient's inbound word lists are decided here, where the mailbox is).
 * smtp-server trusts XCLIENT from listed single addresses only; networks are checked here
 * instead, at AUTH (XCLIENT LOGIN) and at every MAIL FROM.
 */
import type { SMTPServerSession } from 'smtp-server';
import { findNetwork, parseNetwork, type Network } from '../acceptance/cidr.js';
import { normalizeAddress } from './recipients.js';
import { stateOf, type AuthenticatedUser, type PipelineContext } from './context.js';
import { refuse, SmtpReply } from './replies.js';

const xclientRefused = () => new SmtpReply(550, '5.7.0', 'XCLIENT is not allowed from your address');

export class ClusterPeers {
  private readonly networks: Network[] = [];

  constructor(configured: readonly string[], log: (line: string) => void) {
    for (const text of configured) {
      const network = parseNetwork(text);
      if ('error' in network) log(`SCHOOLMAIL_CLUSTER_NETWORKS: ignoring ${network.error}`);
      else this.networks.push(network);
    }
  }

  /** Whether XCLIENT is offered at all. */
  get enabled(): boolean {
    return this.networks.length > 0;
  }

  includes(ip: string): boolean {
    return findNetwork(this.networks, ip) !== undefined;
  }

  /**
   * At MAIL FROM: the client the transaction belongs to. After XCLIENT (only from a peer)
   * it is the forwarded address; a peer's own connection is internal traffic.
   */
  adoptClient(session: SMTPServerSession): void {
    const state = stateOf(session);
    const forwarded = session.xClient?.get('ADDR');
    if ((session.xClient?.size ?? 0) > 0 && !this.includes(state.peerIp)) throw xclientRefused();
    if (typeof forwarded === 'string' && forwarded) state.clientIp = session.remoteAddress;
    state.internalRelay = !forwarded && this.includes(state.peerIp);
  }

  /**
   * XCLIENT LOGIN: the front-end verified the password (auth_http); here only that the peer
   * may say so, that the account exists and that it may still send (status, smtp service).
   */
  async authenticateForwarded(ctx: PipelineContext, session: SMTPServerSession, login: string | undefined): Promise<AuthenticatedUser> {
    if (!this.includes(stateOf(session).peerIp)) throw xclientRefused();
    const address = normalizeAddress(login ?? '')?.address;
    const account = address ? await ctx.db.account.findUnique({ where: { address }, select: { id: true, address: true } }) : null;
    if (!account || (await ctx.access.refusal(account.id, 'smtp'))) throw refuse.authFailed();
    return { accountId: account.id, address: account.address };
  }
}
