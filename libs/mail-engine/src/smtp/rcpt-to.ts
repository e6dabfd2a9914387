/**
 * Step 4: RCPT TO. A local address must exist (550 5.1.1) and its mailbox must be able to
 * receive (550 5.2.1 when suspended; 452 4.2.2 when full, 552 5.2.2 when the declared SIZE
 * alone is over its quota); a remote one is relayed only for an authenticated user (554
 * 5.7.1), unless it is an address of a domain being migrated that has no account here yet,
 * which is forwarded to the old platform; and a message has at most the sender's
 * class-of-service number of recipients (452 4.5.3; the server default for unauthenticated
 * senders). A mailing list takes mail only from whom its posting policy allows (550 5.7.1).
 * Alias, list and group members are checked at DATA, where a member that cannot receive is
 * skipped, not refused.
 */
import type { SMTPServerSession } from 'smtp-server';
import { SERVER_DEFAULTS } from '../settings/effective-settings.js';
import { stateOf, userOf, type PipelineContext } from './context.js';
import { normalizeAddress } from './recipients.js';
import { refuse } from './replies.js';
import { reportQuotaExceeded } from '../webhooks/engine-events.js';

export async function checkRcptTo(ctx: PipelineContext, session: SMTPServerSession, rawRecipient: string): Promise<void> {
  const transaction = stateOf(session).transaction;
  const parsed = normalizeAddress(rawRecipient);
  if (!parsed) throw refuse.unknownRecipient();

  if (!transaction.recipients.has(parsed.address)) {
    const max = transaction.senderMailbox?.maxRecipients ?? SERVER_DEFAULTS.maxRecipients;
    if (transaction.recipients.size >= max) throw refuse.tooManyRecipients(max);
  }

  const resolution = await ctx.directory.resolve(parsed.address);
  if (!resolution) throw refuse.unknownRecipient();
  if (resolution.kind === 'remote') {
    if (!userOf(session) && !resolution.toOldPlatform) throw refuse.relayDenied();
  } else if (resolution.kind === 'unknown') {
    throw refuse.unknownRecipient();
  } else if (resolution.kind === 'list') {
    const sender = normalizeAddress(transaction.sender)?.address ?? '';
    const posting = await ctx.directory.mayPostToList(resolution.address, sender);
    if (!posting.allowed && posting.policy !== 'anyone') throw refuse.listPostingDenied(resolution.address, posting.policy);
  } else if (resolution.kind === 'account') {
    // A mailbox another back-end holds is checked here too (shared database), then relayed.
    const accountId = resolution.accountIds[0] ?? resolution.relayedAccountIds?.[0];
    const mailbox = accountId === undefined ? null : await ctx.directory.mailbox(accountId);
    if (!mailbox) throw refuse.unknownRecipient();
    if (mailbox.status === 'suspended') throw refuse.recipientDisabled();
    const declared = transaction.declaredSize;
    const overQuota = declared > mailbox.quotaBytes || mailbox.usedBytes >= mailbox.quotaBytes || mailbox.usedBytes + declared > mailbox.quotaBytes;
    if (overQuota) reportQuotaExceeded(ctx.db, mailbox, ctx.log);
    if (declared > mailbox.quotaBytes) throw refuse.messageOverQuota();
    if (mailbox.usedBytes >= mailbox.quotaBytes || mailbox.usedBytes + declared > mailbox.quotaBytes) throw refuse.mailboxFull();
    if (declared > mailbox.maxMessageBytes) throw refuse.messageTooBig(mailbox.maxMessageBytes);
  }
  transaction.recipients.set(parsed.address, { address: parsed.address, resolution });
}
