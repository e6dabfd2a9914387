/**
 * The quarantine: messages a word list with action `quarantine` held out of the mailbox,
 * until an administrator releases (delivers) or deletes them.
 *
 * Decided entries are kept, marked with the decision, who made it and when, so the review
 * list can show them (state released / deleted). The blob column cannot be emptied (it is
 * NOT NULL), so a decided row still holds one reference to the message bytes;
 * `purgeDecidedQuarantine` removes decided rows after a retention time, and the refcount
 * triggers then let the storage sweeper free the bytes. The content of a deleted entry is
 * never served again, whatever the retention.
 */
import type { Prisma, QuarantineEntry } from '@schoolmail/prisma';
import { newQueueId } from '../queue/spool.js';
import { quarantineAddedEvent } from '../webhooks/engine-events.js';
import type { Db, Mailboxes, MailboxDelivery, OutboundQueue, Quarantine, QuarantineRequest, Tx } from '../contracts.js';

export type QuarantineState = 'pending' | 'released' | 'deleted';

export class QuarantineDecisionError extends Error {
  constructor(
    readonly reason: 'not_found' | 'already_decided' | 'undeliverable',
    message: string,
  ) {
    super(message);
  }
}

export function stateOf(entry: Pick<QuarantineEntry, 'decision'>): QuarantineState {
  return entry.decision === 'released' ? 'released' : entry.decision === 'deleted' ? 'deleted' : 'pending';
}

/** The `where` of a state filter. */
export function stateWhere(state: QuarantineState): Prisma.QuarantineEntryWhereInput {
  return state === 'pending' ? { decision: null } : { decision: state };
}

export class PrismaQuarantine implements Quarantine {
  async add(tx: Tx, request: QuarantineRequest): Promise<void> {
    await tx.quarantineEntry.create({
      data: {
        blobId: request.blobId,
        sender: request.sender,
        recipient: request.recipient.toLowerCase(),
        accountId: request.accountId,
        domainPath: request.domainPath,
        direction: request.direction,
        subject: request.subject,
        matches: (request.matches ?? []) as Prisma.InputJsonValue,
      },
    });
    await quarantineAddedEvent(tx, request);
  }

  /** Delivers the held message (INBOX, or the outbound queue) and marks the entry released, in one transaction. */
  release(db: Db, id: bigint, targets: ReleaseTargets, decidedBy: string): Promise<Decided> {
    return releaseQuarantined(db, id, targets, decidedBy);
  }

  /** Marks the entry deleted: its content is never served again. */
  remove(db: Db, id: bigint, decidedBy: string): Promise<Decided> {
    return deleteQuarantined(db, id, decidedBy);
  }
}

/** Where a released message goes: the recipient's INBOX, or the outbound queue for a remote recipient. */
export interface ReleaseTargets {
  mailboxes: Mailboxes;
  queue?: OutboundQueue;
}

export interface Decided {
  before: QuarantineEntry;
  after: QuarantineEntry;
  delivery?: MailboxDelivery;
}

/** Locks a pending entry for a decision: concurrent reviewers cannot both release it. */
async function lockPending(tx: Tx, id: bigint): Promise<QuarantineEntry> {
  await tx.$queryRaw`SELECT id FROM "QuarantineEntry" WHERE id = ${id} FOR UPDATE`;
  const entry = await tx.quarantineEntry.findUnique({ where: { id } });
  if (!entry) throw new QuarantineDecisionError('not_found', `quarantine entry ${id} does not exist`);
  if (entry.decision) {
    throw new QuarantineDecisionError('already_decided', `quarantine entry ${id} was already ${entry.decision} by ${entry.decidedBy ?? 'someone'} at ${entry.decidedAt?.toISOString() ?? '?'}`);
  }
  return entry;
}

/** Delivers a pending entry and marks it released, inside the caller's transaction. */
export async function releaseQuarantinedIn(tx: Tx, id: bigint, targets: ReleaseTargets, decidedBy: string): Promise<Decided> {
  const entry = await lockPending(tx, id);
  const blob = await tx.messageBlob.findUniqueOrThrow({ where: { id: entry.blobId }, select: { size: true } });
  let delivery: MailboxDelivery | undefined;
  const account = entry.accountId === null ? null : await tx.account.findUnique({ where: { id: entry.accountId }, select: { id: true } });
  if (account) {
    [delivery] = await targets.mailboxes.deliver(tx, { blobId: entry.blobId, size: blob.size, internalDate: entry.createdAt, accountIds: [account.id] });
  } else if (entry.accountId === null && targets.queue) {
    await targets.queue.enqueue(tx, {
      id: newQueueId(),
      blobId: entry.blobId,
      sender: entry.sender,
      recipients: [entry.recipient],
      size: blob.size,
      clientIp: null,
      authUser: null,
      senderDomainPath: entry.direction === 'outbound' ? entry.domainPath : null,
    });
  } else {
    throw new QuarantineDecisionError(
      'undeliverable',
      entry.accountId === null ? `${entry.recipient} is not a local mailbox and no outbound queue is available` : `the mailbox ${entry.recipient} no longer exists`,
    );
  }
  const after = await tx.quarantineEntry.update({ where: { id }, data: { decision: 'released', decidedBy, decidedAt: new Date() } });
  return { before: entry, after, delivery };
}

/** Marks a pending entry deleted, inside the caller's transaction. */
export async function deleteQuarantinedIn(tx: Tx, id: bigint, decidedBy: string): Promise<Decided> {
  const entry = await lockPending(tx, id);
  const after = await tx.quarantineEntry.update({ where: { id }, data: { decision: 'deleted', decidedBy, decidedAt: new Date() } });
  return { before: entry, after };
}

/** Releases one entry: delivery and decision commit together. */
export function releaseQuarantined(db: Db, id: bigint, targets: ReleaseTargets, decidedBy: string): Promise<Decided> {
  return db.$transaction((tx) => releaseQuarantinedIn(tx, id, targets, decidedBy));
}

/** Deletes one entry (its content is never served again; the row stays until purged). */
export function deleteQuarantined(db: Db, id: bigint, decidedBy: string): Promise<Decided> {
  return db.$transaction((tx) => deleteQuarantinedIn(tx, id, decidedBy));
}

/** Removes decided entries decided before `before`, dropping their blob references; answers how many. */
export async function purgeDecidedQuarantine(db: Db | Tx, before: Date): Promise<number> {
  const result = await db.quarantineEntry.deleteMany({ where: { decision: { not: null }, decidedAt: { lt: before } } });
  return result.count;
}

/**
 * Purges decided entries older than `retentionMs` now and then every `intervalMs`, so the
 * bytes of deleted (and of released, once the mailbox copy goes) messages can be freed.
 * Answers a function that stops it.
 */
export function startQuarantinePurger(db: Db, options: { retentionMs: number; intervalMs?: number; log?: (line: string) => void }): () => void {
  const run = () => {
    purgeDecidedQuarantine(db, new Date(Date.now() - options.retentionMs)).then(
      (count) => {
        if (count > 0) options.log?.(`quarantine: purged ${count} decided entr${count === 1 ? 'y' : 'ies'}`);
      },
      (error: unknown) => options.log?.(`quarantine: purge failed: ${String(error)}`),
    );
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
