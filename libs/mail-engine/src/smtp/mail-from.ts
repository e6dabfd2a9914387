/**
 * Step 3: MAIL FROM. An authenticated user may send only as its own address, an alias that
 * delivers to it, or an address granted to it ("send as"); anything else is 553 5.7.1. On
 * the MX, a client that claims a local domain as sender without authenticating is
 * impersonating one of our users (553 5.7.1), unless it is a trusted source or another
 * back-end of the cluster relaying to a mailbox held here. An authenticated user that has
 * sent its class of service's messages per hour is refused with 451 4.7.1 (sending-rate.ts).
 */
import type { SMTPServerSession } from 'smtp-server';
import { sendAsAllowed } from '../acceptance/send-as.js';
import { newTransaction, stateOf, userOf, type PipelineContext } from './context.js';
import { normalizeAddress } from './recipients.js';
import { refuse } from './replies.js';
import type { TrustedClients } from './trust.js';

export async function checkMailFrom(ctx: PipelineContext, trusted: TrustedClients, session: SMTPServerSession, rawSender: string, declaredSize: number): Promise<void> {
  const state = stateOf(session);
  const transaction = newTransaction();
  state.transaction = transaction;
  const user = userOf(session);
  const sender = rawSender ? normalizeAddress(rawSender) : null;
  transaction.sender = sender?.address ?? '';
  transaction.declaredSize = declaredSize;

  if (user) {
    if (!sender) throw refuse.senderNotOwned();
    let allowed = state.sendAs.get(sender.address);
    if (allowed === undefined) {
      allowed = sender.address === user.address || (await sendAsAllowed(ctx.db, user.accountId, sender.address));
      state.sendAs.set(sender.address, allowed);
    }
    if (!allowed) throw refuse.senderNotOwned();
    transaction.senderMailbox = await ctx.directory.mailbox(user.accountId);
    if (transaction.senderMailbox && declaredSize > transaction.senderMailbox.maxMessageBytes) {
      throw refuse.messageTooBig(transaction.senderMailbox.maxMessageBytes);
    }
    // The same effective value (and cache) as AUTH's status and service checks.
    const perHour = (await ctx.access.settings(user.accountId))?.sendingRatePerHour.value ?? null;
    if (perHour !== null) {
      await ctx.sendingRate.check(user.accountId, perHour);
      transaction.sendingRateAccountId = user.accountId;
    }
  }

  const senderDomain = sender ? await ctx.directory.localDomain(sender.domain) : null;
  if (senderDomain) {
    if (!user && !state.internalRelay && !(await trusted.isTrusted(state.clientIp))) throw refuse.senderImpersonation();
    transaction.senderDomainPath = senderDomain.path;
    transaction.senderDomainId = senderDomain.id;
  }
}
