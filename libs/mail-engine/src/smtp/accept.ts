/**
 * Acceptance, the durable part: the message is answered 250 only once its bytes are on disk
 * (BlobStore.write fsyncs the file and its directory, outside any transaction, so no row lock
 * is held during an fsync) and every row that refers to them is committed in ONE transaction:
 * the blob row, the mailbox deliveries, the outbound queue entries, the quarantine entries
 * and the "accepted" MailEvent rows (shared with the messages accepted at the same moment,
 * see committer.ts; a message for local mailboxes only also describes its rows, for the
 * commit's fast lane, local-commit.ts; one that counts towards its authenticated sender's
 * sending rate goes the general way, where the count is added in the same transaction,
 * sending-rate.ts). A refused message never reaches the disk. A failed transaction leaves
 * a file without a MessageBlob row, which orphans.ts deletes after a grace period once it is
 * sure no row refers to it.
 *
 * A tagged copy is a message of its own: its bytes (prefixed subject, X-Schoolmail-Filter)
 * are what is stored and delivered, so a message may be written as two blobs (as received
 * for some recipients, tagged for others). Quarantine holds the message as received.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { QuarantineRequest, StoredBlob } from '../contracts.js';
import { newQueueId } from '../queue/spool.js';
import { stateOf, userOf, type PipelineContext } from './context.js';
import type { LocalAcceptance } from './local-commit.js';
import type { ContentDecision, DeliveryPlan, Verdict } from './data.js';
import { receivedHeader, rawSubject, tagMessage } from './headers.js';
import { accepted } from './replies.js';

type Variant = 'plain' | 'tagged';

const matchesOf = (verdict: Verdict) => verdict.matches.map(({ listId, listName, entry, where, matched }) => ({ listId, listName, entry, where, matched }));

export async function acceptMessage(ctx: PipelineContext, session: SMTPServerSession, plan: DeliveryPlan, decision: ContentDecision, raw: Buffer): Promise<string> {
  const state = stateOf(session);
  const transaction = state.transaction;
  const user = userOf(session);
  const queueId = newQueueId();
  const now = new Date();
  const recipientCount = plan.local.length + plan.remote.length;
  const onlyRecipient = recipientCount === 1 ? (plan.local[0]?.address ?? plan.remote[0]) : undefined;
  const received = Buffer.from(
    receivedHeader({
      heloName: session.hostNameAppearsAs || session.clientHostname || '',
      clientIp: state.clientIp,
      hostname: ctx.config.hostname,
      transmissionType: session.transmissionType,
      queueId,
      recipient: onlyRecipient,
      at: now,
    }),
    'utf8',
  );

  const deliverTo: Record<Variant, number[]> = { plain: [], tagged: [] };
  const taggedBy = new Set<string>();
  const quarantined: Array<Omit<QuarantineRequest, 'blobId'>> = [];
  const subject = decision.subject ?? rawSubject(raw);
  for (const { mailbox, verdict } of decision.local) {
    if (verdict.action === 'quarantine') {
      quarantined.push({ sender: transaction.sender, recipient: mailbox.address, accountId: mailbox.accountId, domainPath: mailbox.domainPath, direction: 'inbound', subject, matches: matchesOf(verdict) });
    } else {
      deliverTo[verdict.action === 'tag' ? 'tagged' : 'plain'].push(mailbox.accountId);
      if (verdict.action === 'tag') verdict.lists.forEach((list) => taggedBy.add(list.name));
    }
  }
  let remoteVariant: Variant | null = null;
  if (plan.remote.length) {
    if (decision.remote.action === 'quarantine') {
      for (const recipient of plan.remote) {
        quarantined.push({ sender: transaction.sender, recipient, accountId: null, domainPath: transaction.senderDomainPath ?? '/', direction: 'outbound', subject, matches: matchesOf(decision.remote) });
      }
    } else {
      remoteVariant = decision.remote.action === 'tag' ? 'tagged' : 'plain';
      if (remoteVariant === 'tagged') decision.remote.lists.forEach((list) => taggedBy.add(list.name));
    }
  }

  const needs: Record<Variant, boolean> = {
    plain: deliverTo.plain.length > 0 || quarantined.length > 0 || remoteVariant === 'plain',
    tagged: deliverTo.tagged.length > 0 || remoteVariant === 'tagged',
  };
  const bytes: Record<Variant, Buffer | null> = {
    plain: needs.plain ? Buffer.concat([received, raw]) : null,
    tagged: needs.tagged ? Buffer.concat([received, tagMessage(raw, ctx.config.tagSubjectPrefix, [...taggedBy])]) : null,
  };
  const domainId = plan.local[0]?.domainId ?? transaction.senderDomainId ?? null;
  const countedFor = transaction.sendingRateAccountId;
  // The fast lane's statement makes only mailbox rows: a message to count goes the general way.
  const fastLane = !remoteVariant && quarantined.length === 0 && countedFor === null;
  // The fast lane's next batch waits a moment for this message (committer.ts).
  const arrived = fastLane ? ctx.committer.announce() : () => {};
  let writtenPlain, writtenTagged;
  try {
    [writtenPlain, writtenTagged] = await Promise.all([
      bytes.plain ? ctx.blobs.write(bytes.plain, domainId, { unique: true }) : null,
      bytes.tagged ? ctx.blobs.write(bytes.tagged, domainId, { unique: true }) : null,
    ]);
  } catch (error) {
    arrived();
    throw error;
  }

  const events = [
    ...decision.local.map(({ mailbox, verdict }) => ({ kind: verdict.action === 'quarantine' ? 'quarantined' : 'accepted', queueId, sender: transaction.sender, recipient: mailbox.address, domainPath: mailbox.domainPath, detail: '250 2.0.0' })),
    ...plan.remote.map((recipient) => ({ kind: decision.remote.action === 'quarantine' ? 'quarantined' : 'accepted', queueId, sender: transaction.sender, recipient, domainPath: transaction.senderDomainPath, detail: '250 2.0.0' })),
  ];

  const written: Record<Variant, { sha256: string; size: number; storageUnitId: number } | null> = { plain: writtenPlain, tagged: writtenTagged };
  const local: LocalAcceptance | undefined =
    fastLane
      ? { deliveries: (['plain', 'tagged'] as const).flatMap((v) => (written[v] && deliverTo[v].length ? [{ file: written[v], accountIds: deliverTo[v] }] : [])), internalDate: now }
      : undefined;

  const committed = ctx.committer.commit(async (tx) => {
    // Side by side, so they join the other messages' statements of the batch (see committer.ts);
    // the sending-rate count first of all (its row locks come before any other, sending-rate.ts).
    const [, plain, tagged] = await Promise.all([
      countedFor !== null && ctx.sendingRate.count(tx, countedFor),
      writtenPlain && ctx.blobs.record(tx, writtenPlain),
      writtenTagged && ctx.blobs.record(tx, writtenTagged),
    ]);
    const blobs: Record<Variant, StoredBlob | null> = { plain, tagged };
    await Promise.all(
      (['plain', 'tagged'] as const).map((variant) => {
        const blob = blobs[variant];
        return blob && deliverTo[variant].length
          ? ctx.mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: now, accountIds: deliverTo[variant] })
          : null;
      }),
    );
    if (remoteVariant) {
      const blob = blobs[remoteVariant]!;
      await ctx.queue.enqueue(tx, {
        id: queueId,
        blobId: blob.blobId,
        sender: transaction.sender,
        recipients: plan.remote,
        size: blob.size,
        clientIp: state.clientIp,
        authUser: user?.address ?? null,
        senderDomainPath: transaction.senderDomainPath,
        localDomainPaths: plan.forwardedBy,
      });
    }
    for (const entry of quarantined) await ctx.quarantine.add(tx, { ...entry, blobId: blobs.plain!.blobId });
  }, events, local);
  arrived();
  await committed.catch((error: unknown) => {
    ctx.orphans?.forget([writtenPlain, writtenTagged]);
    throw error;
  });
  if (remoteVariant) ctx.notifyQueued?.();

  for (const variant of ['plain', 'tagged'] as const) {
    for (const accountId of deliverTo[variant]) void ctx.directory.addUsage(accountId, bytes[variant]!.length);
  }
  return accepted(queueId);
}
