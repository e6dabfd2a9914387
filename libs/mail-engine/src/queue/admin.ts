/**
 * Queue administration: listing with filters and acting on entries by id or on everything
 * a filter matches. Filters become SQL on QueueEntry's indexes (never filtered in memory),
 * actions run in batches with SKIP LOCKED so they never wait on, nor disturb, a delivery
 * under way. Bounces are handed to the queue workers (see BOUNCE_NOW), which own the
 * message bytes and the report's routing.
 */
import { Prisma } from '@schoolmail/prisma';
import type { Db, Tx } from '../contracts.js';
import type { EngineConfig } from '../config.js';
import { headersOf } from './dsn.js';
import { BOUNCE_NOW } from './manager.js';
import { Throttle } from './throttle.js';

export const QUEUE_STATES = ['queued', 'deferred', 'held', 'delivering'] as const;
export type QueueStateName = (typeof QUEUE_STATES)[number];
export const QUEUE_ACTIONS = ['delete', 'reschedule', 'bounce'] as const;
export type QueueAction = (typeof QUEUE_ACTIONS)[number];

export interface QueueFilter {
  sender?: string;
  recipient?: string;
  remoteDomain?: string;
  minSize?: number;
  maxSize?: number;
  minAttempts?: number;
  maxAttempts?: number;
  state?: QueueStateName;
  /** Entries created before this instant. */
  olderThan?: Date;
  /** Entries created after this instant. */
  newerThan?: Date;
}

/** Which entries an administrator may see: all, or those whose sender's domain is under one of these paths. */
export type QueueScope = 'all' | readonly string[];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90s", "30m", "1h", "2d", "1w" before `now`, or an ISO date; null when neither. */
export function parseAge(value: string, now = new Date()): Date | null {
  const text = value.trim();
  const duration = /^(\d{1,7})\s*([smhdw])$/i.exec(text);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_SECONDS[duration[2]!.toLowerCase()]! * 1000);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** The WHERE conditions (on alias `e`) of a filter within a scope. */
export function filterConditions(filter: QueueFilter, scope: QueueScope): Prisma.Sql[] {
  const sql = Prisma.sql;
  const parts: Prisma.Sql[] = [];
  if (scope !== 'all') {
    parts.push(
      scope.length === 0
        ? sql`FALSE`
        : sql`(${Prisma.join(
            scope.flatMap((path) => [sql`e."senderDomainPath" LIKE ${escapeLike(path) + '%'}`, sql`e."localDomainPath" LIKE ${escapeLike(path) + '%'}`]),
            ' OR ',
          )})`,
    );
  }
  if (filter.sender !== undefined) parts.push(sql`e.sender = ${filter.sender}`);
  if (filter.recipient !== undefined) parts.push(sql`e.recipient = ${filter.recipient}`);
  if (filter.remoteDomain !== undefined) parts.push(sql`e."remoteDomain" = ${filter.remoteDomain}`);
  if (filter.minSize !== undefined) parts.push(sql`e.size >= ${filter.minSize}`);
  if (filter.maxSize !== undefined) parts.push(sql`e.size <= ${filter.maxSize}`);
  if (filter.minAttempts !== undefined) parts.push(sql`e.attempts >= ${filter.minAttempts}`);
  if (filter.maxAttempts !== undefined) parts.push(sql`e.attempts <= ${filter.maxAttempts}`);
  if (filter.state !== undefined) parts.push(sql`e.state = ${filter.state}::"QueueState"`);
  if (filter.olderThan !== undefined) parts.push(sql`e."createdAt" < ${filter.olderThan}`);
  if (filter.newerThan !== undefined) parts.push(sql`e."createdAt" > ${filter.newerThan}`);
  return parts;
}

const whereOf = (parts: Prisma.Sql[]) => (parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty);

interface EntryRow {
  id: bigint;
  messageId: string;
  sender: string;
  recipient: string;
  remoteDomain: string;
  size: number;
  state: QueueStateName;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export function presentEntry(row: EntryRow) {
  return {
    id: String(row.id),
    queueId: row.messageId,
    sender: row.sender,
    recipient: row.recipient,
    remoteDomain: row.remoteDomain,
    size: row.size,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastError: row.lastError,
    bouncing: row.expiresAt.getTime() === BOUNCE_NOW.getTime(),
    expiresAt: row.expiresAt.getTime() === BOUNCE_NOW.getTime() ? null : row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
export type QueueEntryView = ReturnType<typeof presentEntry>;

const ENTRY_COLUMNS = Prisma.sql`e.id, e."messageId", e.sender, e.recipient, e."remoteDomain", e.size, e.state::text AS state, e.attempts,
  e."nextAttemptAt", e."lastAttemptAt", e."lastError", e."expiresAt", e."createdAt"`;

const ACTION_BATCH = 1000;

export interface RemoteDomainView {
  domain: string;
  state: 'active' | 'held';
  heldSince: string | null;
  heldBy: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextProbeAt: string | null;
  queued: number;
}

export class QueueAdmin {
  private readonly throttle: Throttle;

  constructor(
    private readonly db: Db,
    config: Pick<EngineConfig, 'queue'>,
  ) {
    this.throttle = new Throttle(config);
  }

  /** One page in id order (oldest first); `after` is the last id of the previous page. */
  async list(filter: QueueFilter, scope: QueueScope, page: { limit: number; after?: bigint }) {
    const parts = filterConditions(filter, scope);
    if (page.after !== undefined) parts.push(Prisma.sql`e.id > ${page.after}`);
    const rows = await this.db.$queryRaw<EntryRow[]>`
      SELECT ${ENTRY_COLUMNS} FROM "QueueEntry" e ${whereOf(parts)} ORDER BY e.id LIMIT ${page.limit + 1}`;
    const more = rows.length > page.limit;
    const kept = more ? rows.slice(0, page.limit) : rows;
    return { items: kept.map(presentEntry), lastId: more ? kept.at(-1)!.id : null };
  }

  /** One entry with its message's envelope and headers; null when absent or out of scope. */
  async get(id: bigint, scope: QueueScope, readBlob?: (blobId: bigint) => Promise<Buffer>) {
    const parts = [...filterConditions({}, scope), Prisma.sql`e.id = ${id}`];
    const [row] = await this.db.$queryRaw<Array<EntryRow & { blobId: bigint; clientIp: string | null; authUser: string | null; isBounce: boolean; senderDomainPath: string | null }>>`
      SELECT ${ENTRY_COLUMNS}, e."senderDomainPath", m."blobId", m."clientIp", m."authUser", m."isBounce"
      FROM "QueueEntry" e JOIN "OutboundMessage" m ON m.id = e."messageId" ${whereOf(parts)}`;
    if (!row) return null;
    let headers: string | null = null;
    if (readBlob) {
      try {
        headers = headersOf(await readBlob(row.blobId));
      } catch {
        headers = null;
      }
    }
    return {
      ...presentEntry(row),
      message: { clientIp: row.clientIp, authUser: row.authUser, isBounce: row.isBounce, senderDomainPath: row.senderDomainPath, headers },
    };
  }

  /** Which of `ids` are queue entries within `scope` (the others are gone or not the caller's to see). */
  async visibleIds(ids: bigint[], scope: QueueScope): Promise<Set<bigint>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.$queryRaw<Array<{ id: bigint }>>`
      SELECT e.id FROM "QueueEntry" e ${whereOf([...filterConditions({}, scope), Prisma.sql`e.id IN (${Prisma.join(ids)})`])}`;
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Applies `action` to the given entries, or to every entry `filter` matches, in batches.
   * Entries being delivered right now are left alone. `audit` runs inside the transaction
   * of the last batch, with the total. Answers how many entries were affected.
   */
  async act(
    action: QueueAction,
    target: { ids: bigint[] } | { filter: QueueFilter },
    scope: QueueScope,
    audit?: (tx: Tx, affected: number) => Promise<void>,
  ): Promise<number> {
    const base = 'ids' in target ? [...filterConditions({}, scope), Prisma.sql`e.id IN (${Prisma.join(target.ids.length ? target.ids : [-1n])})`] : filterConditions(target.filter, scope);
    let affected = 0;
    let after = 0n;
    for (;;) {
      const { count, lastId } = await this.db.$transaction(
        async (tx) => {
          const conditions = [...base, Prisma.sql`e.state <> 'delivering'`, Prisma.sql`e.id > ${after}`];
          const done = await this.actOnBatch(tx, action, conditions);
          const last = done.count < ACTION_BATCH;
          if (last && audit) await audit(tx, affected + done.count);
          return done;
        },
        { timeout: 60_000 },
      );
      affected += count;
      if (count < ACTION_BATCH || lastId === null) break;
      after = lastId;
    }
    return affected;
  }

  private async actOnBatch(tx: Tx, action: QueueAction, conditions: Prisma.Sql[]): Promise<{ count: number; lastId: bigint | null }> {
    const batch = Prisma.sql`SELECT e.id FROM "QueueEntry" e ${whereOf(conditions)} ORDER BY e.id LIMIT ${ACTION_BATCH} FOR UPDATE SKIP LOCKED`;
    let rows: Array<{ id: bigint; messageId: string }>;
    if (action === 'delete') {
      rows = await tx.$queryRaw`
        WITH batch AS (${batch}) DELETE FROM "QueueEntry" q USING batch WHERE q.id = batch.id RETURNING q.id, q."messageId"`;
      const messageIds = [...new Set(rows.map((r) => r.messageId))];
      if (messageIds.length) {
        // Lock first (as the workers do when they settle), then look again: the last entry's remover removes the message.
        await tx.$queryRaw`SELECT id FROM "OutboundMessage" WHERE id IN (${Prisma.join(messageIds)}) ORDER BY id FOR UPDATE`;
        await tx.$executeRaw`
          DELETE FROM "OutboundMessage" m WHERE m.id IN (${Prisma.join(messageIds)})
            AND NOT EXISTS (SELECT 1 FROM "QueueEntry" e WHERE e."messageId" = m.id)`;
      }
    } else if (action === 'reschedule') {
      // Entries of a held destination stay held: releasing the destination sends them.
      rows = await tx.$queryRaw`
        WITH batch AS (${batch}) UPDATE "QueueEntry" q SET "nextAttemptAt" = now() FROM batch WHERE q.id = batch.id RETURNING q.id, q."messageId"`;
    } else {
      rows = await tx.$queryRaw`
        WITH batch AS (${batch}) UPDATE "QueueEntry" q SET "expiresAt" = ${BOUNCE_NOW}, "nextAttemptAt" = now()
        FROM batch WHERE q.id = batch.id RETURNING q.id, q."messageId"`;
    }
    const lastId = rows.reduce<bigint | null>((max, r) => (max === null || r.id > max ? r.id : max), null);
    return { count: rows.length, lastId };
  }

  /** Destination domains with their virtual-queue state and how many entries (in scope) wait for them. */
  async remoteDomains(scope: QueueScope, page: { limit: number; after?: string; state?: 'active' | 'held' }) {
    const scoped = filterConditions({}, scope);
    const parts: Prisma.Sql[] = [];
    if (page.after !== undefined) parts.push(Prisma.sql`r.domain > ${page.after}`);
    if (page.state) parts.push(Prisma.sql`r.state = ${page.state}::"RemoteDomainState"`);
    const inScope = Prisma.sql`SELECT 1 FROM "QueueEntry" e WHERE e."remoteDomain" = r.domain${scoped.length ? Prisma.sql` AND ${Prisma.join(scoped, ' AND ')}` : Prisma.empty}`;
    if (scope !== 'all') parts.push(Prisma.sql`EXISTS (${inScope})`);
    const rows = await this.db.$queryRaw<Array<{ domain: string; state: 'active' | 'held'; heldSince: Date | null; heldBy: string | null; consecutiveFailures: number; lastError: string | null; lastAttemptAt: Date | null; lastSuccessAt: Date | null; nextProbeAt: Date | null; queued: bigint }>>`
      SELECT r.domain, r.state::text AS state, r."heldSince", r."heldBy", r."consecutiveFailures", r."lastError", r."lastAttemptAt",
        r."lastSuccessAt", r."nextProbeAt",
        (SELECT count(*) FROM "QueueEntry" e WHERE e."remoteDomain" = r.domain${scoped.length ? Prisma.sql` AND ${Prisma.join(scoped, ' AND ')}` : Prisma.empty}) AS queued
      FROM "RemoteDomain" r ${parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty}
      ORDER BY r.domain LIMIT ${page.limit + 1}`;
    const more = rows.length > page.limit;
    const kept = more ? rows.slice(0, page.limit) : rows;
    const items: RemoteDomainView[] = kept.map((r) => ({
      domain: r.domain,
      state: r.state,
      heldSince: r.heldSince?.toISOString() ?? null,
      heldBy: r.heldBy,
      consecutiveFailures: r.consecutiveFailures,
      lastError: r.lastError,
      lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
      lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
      nextProbeAt: r.nextProbeAt?.toISOString() ?? null,
      queued: Number(r.queued),
    }));
    return { items, lastDomain: more ? kept.at(-1)!.domain : null };
  }

  async remoteDomain(tx: Tx | Db, domain: string) {
    return tx.remoteDomain.findUnique({ where: { domain } });
  }

  /** Holds a destination for an administrator: nothing is sent there (not even probes) until released. */
  hold(tx: Tx, domain: string, by: string) {
    return this.throttle.hold(tx, domain, by);
  }

  /** Releases a destination: its held entries are due now. Answers how many were woken. */
  release(tx: Tx, domain: string) {
    return this.throttle.release(tx, domain);
  }
}
