import { Inject, Injectable, Logger } from '@nestjs/common';
import { FileBlobStore, loadEngineConfig, QueueAdmin, type QueueFilter } from '@schoolmail/mail-engine';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { domainName, parseInput } from '../common/validation.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { listQueueQuery, listRemoteDomainsQuery, queueActionInput } from './queue.schemas.js';
import { auditDomainOf, isStaff, queueScope } from './queue.scope.js';

const ENTRY_ID = /^\d{1,19}$/;

@Injectable()
export class QueueService {
  private readonly admin: QueueAdmin;
  private readonly blobs: FileBlobStore;
  private readonly logger = new Logger('queue');

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly audit: AuditService,
  ) {
    this.admin = new QueueAdmin(prisma, loadEngineConfig());
    this.blobs = new FileBlobStore(prisma, { dataDir: config.dataDir, log: (line) => this.logger.warn(line) });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const { limit, cursor, ...filter } = parseInput(listQueueQuery, rawQuery);
    const after = cursor ? decodeCursor(cursor).id : undefined;
    if (after !== undefined && !ENTRY_ID.test(after)) throw AppError.invalid('cursor', 'is not a cursor this API gave out');
    const page = await this.admin.list(filter as QueueFilter, queueScope(actor, 'read'), { limit, after: after === undefined ? undefined : BigInt(after) });
    return { items: page.items, nextCursor: page.lastId === null ? null : encodeCursor(null, page.lastId) };
  }

  /** One entry with its message's headers; 404 when absent or outside the actor's scope. */
  async get(actor: Actor, id: string) {
    const entry = ENTRY_ID.test(id) ? await this.admin.get(BigInt(id), queueScope(actor, 'read'), (blobId) => this.blobs.read(blobId)) : null;
    if (!entry) throw AppError.notFound('queue entry', id);
    return entry;
  }

  /**
   * delete | reschedule | bounce, on ids or on everything a filter matches (in the actor's
   * scope). Ids the actor cannot see (gone, or another district's) are answered in `notFound`;
   * when none of the ids can be seen, 404, as for one entry.
   */
  async act(actor: Actor, rawInput: unknown): Promise<{ affected: number; notFound?: string[] }> {
    const input = parseInput(queueActionInput, rawInput);
    const scope = queueScope(actor, input.action === 'delete' ? 'delete' : 'update');
    let target: { ids: bigint[] } | { filter: QueueFilter } = { filter: input.filter as QueueFilter };
    let notFound: string[] | undefined;
    if (input.ids) {
      const visible = await this.admin.visibleIds(input.ids.map((id) => BigInt(id)), scope);
      notFound = input.ids.filter((id) => !visible.has(BigInt(id))).map(String);
      if (visible.size === 0) throw AppError.notFound(input.ids.length === 1 ? 'queue entry' : 'any of the queue entries', notFound.join(', '));
      target = { ids: [...visible] };
    }
    const affected = await this.admin.act(input.action, target, scope, (tx, total) =>
      this.audit.record(tx, actor, {
        action: `queue.${input.action}`,
        subjectType: 'QueueEntry',
        subjectId: input.ids ? input.ids.join(',').slice(0, 200) : 'filter',
        domain: auditDomainOf(actor),
        after: { affected: total, ...(input.ids ? { ids: input.ids.map(String) } : { filter: input.filter }) },
      }),
    );
    return notFound ? { affected, notFound } : { affected };
  }

  async remoteDomains(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listRemoteDomainsQuery, rawQuery);
    const after = query.cursor ? decodeCursor(query.cursor).id : undefined;
    const page = await this.admin.remoteDomains(queueScope(actor, 'read'), { limit: query.limit, after, state: query.state });
    return { items: page.items, nextCursor: page.lastDomain === null ? null : encodeCursor(null, page.lastDomain) };
  }

  /** Holds a destination (platform-wide state, so staff only): nothing goes there until released. */
  hold(actor: Actor, rawDomain: string) {
    return this.changeHold(actor, rawDomain, 'hold');
  }

  release(actor: Actor, rawDomain: string) {
    return this.changeHold(actor, rawDomain, 'release');
  }

  private async changeHold(actor: Actor, rawDomain: string, change: 'hold' | 'release') {
    if (!isStaff(actor)) throw new AppError('FORBIDDEN', `only platform staff may ${change} a destination domain: it affects every sender`);
    const domain = parseInput(domainName, rawDomain);
    return this.prisma.$transaction(async (tx) => {
      const before = await this.presentRemoteDomain(tx, domain);
      if (change === 'release' && !before) throw AppError.notFound('remote domain', domain);
      if (change === 'hold') await this.admin.hold(tx, domain, actor.principal.name);
      else await this.admin.release(tx, domain);
      const after = (await this.presentRemoteDomain(tx, domain))!;
      await this.audit.record(tx, actor, { action: `remoteDomain.${change}`, subjectType: 'RemoteDomain', subjectId: domain, before, after });
      return after;
    });
  }

  private async presentRemoteDomain(tx: Tx, domain: string) {
    const row = await this.admin.remoteDomain(tx, domain);
    if (!row) return null;
    return {
      domain: row.domain,
      state: row.state,
      heldSince: row.heldSince?.toISOString() ?? null,
      heldBy: row.heldBy,
      consecutiveFailures: row.consecutiveFailures,
      lastError: row.lastError,
      lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
      nextProbeAt: row.nextProbeAt?.toISOString() ?? null,
      queued: await tx.queueEntry.count({ where: { remoteDomain: domain } }),
    };
  }
}
