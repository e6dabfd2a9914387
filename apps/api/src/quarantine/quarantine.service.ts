import { ForbiddenError, subject } from '@schoolmail/rbac';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Prisma, QuarantineEntry } from '@schoolmail/prisma';
import {
  BlobCorruptError,
  deleteQuarantinedIn,
  idsOfPath,
  previewMessage,
  QuarantineDecisionError,
  releaseQuarantinedIn,
  stateOf,
  stateWhere,
  type Decided,
} from '@schoolmail/mail-engine';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { visibleDomain } from '../domains/domains.service.js';
import { normalizedAddress } from '../aliases/addressed-objects.js';
import { QUARANTINE_ENGINE, type QuarantineEngine } from './quarantine.engine.js';
import { quarantineScope } from './quarantine.scope.js';
import { entryId, listQuarantineQuery, quarantineActionInput } from './quarantine.schemas.js';

const entryInclude = { blob: { select: { size: true } } } satisfies Prisma.QuarantineEntryInclude;
type EntryRow = Prisma.QuarantineEntryGetPayload<{ include: typeof entryInclude }>;

export interface QuarantineEntryView {
  id: string;
  state: 'pending' | 'released' | 'deleted';
  direction: string;
  sender: string;
  recipient: string;
  domain: string | null;
  subject: string | null;
  matches: unknown;
  size: number;
  receivedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

type Outcome = 'released' | 'deleted' | 'not_found' | 'already_decided' | 'undeliverable';

const domainIdOf = (path: string) => idsOfPath(path).at(-1) ?? null;

function asAppError(error: unknown): unknown {
  if (!(error instanceof QuarantineDecisionError)) return error;
  return error.reason === 'not_found' ? new AppError('NOT_FOUND', error.message) : AppError.conflict(error.message);
}

/**
 * Review of quarantined messages (held by a word list with action `quarantine`): list,
 * safe preview, release into the mailbox, delete. Every decision is audited with who made
 * it; the entry keeps the decision, its author and time (see libs/mail-engine acceptance/).
 */
@Injectable()
export class QuarantineService {
  private readonly logger = new Logger('quarantine');

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(QUARANTINE_ENGINE) private readonly engine: QuarantineEngine,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listQuarantineQuery, rawQuery);
    const filters: Prisma.QuarantineEntryWhereInput[] = [quarantineScope(actor)];
    if (query.recipient) filters.push({ recipient: normalizedAddress(query.recipient) ?? query.recipient.toLowerCase() });
    if (query.sender) filters.push({ sender: { equals: query.sender, mode: 'insensitive' } });
    if (query.domain) filters.push({ domainPath: { startsWith: (await visibleDomain(this.prisma, actor.ability, query.domain)).path } });
    if (query.state) filters.push(stateWhere(query.state));
    if (query.since) filters.push({ createdAt: { gte: query.since } });
    if (query.until) filters.push({ createdAt: { lt: query.until } });
    // Keyset on the BigInt id, newest first (common/pagination's cursor cannot hold a BigInt).
    if (query.cursor) {
      const after = decodeCursor(query.cursor).id;
      if (!/^\d{1,19}$/.test(after)) throw AppError.invalid('cursor', 'is not a cursor this API gave out');
      filters.push({ id: { lt: BigInt(after) } });
    }
    const rows = await this.prisma.quarantineEntry.findMany({ where: { AND: filters }, orderBy: { id: 'desc' }, take: query.limit + 1, include: entryInclude });
    const kept = rows.slice(0, query.limit);
    const names = await this.domainNames(kept);
    const last = kept.at(-1);
    return { items: kept.map((row) => this.present(row, names)), nextCursor: rows.length > query.limit && last ? encodeCursor(String(last.id), last.id) : null };
  }

  /** One entry with its matches, headers and a preview safe to show (nothing runs, nothing loads). */
  async get(actor: Actor, rawId: string) {
    const row = await this.visibleEntry(this.prisma, actor, rawId);
    const summary = this.present(row, await this.domainNames([row]));
    if (row.decision === 'deleted') return { ...summary, headers: [], preview: null, previewUnavailable: 'the message was deleted' };
    try {
      const { headers, ...preview } = await previewMessage(await this.engine.blobs.read(row.blobId));
      return { ...summary, headers, preview, previewUnavailable: null };
    } catch (error) {
      if (!(error instanceof BlobCorruptError)) throw error;
      this.logger.warn(`quarantine entry ${row.id}: ${error.message}`);
      return { ...summary, headers: [], preview: null, previewUnavailable: 'the stored message is damaged and was isolated for the operators' };
    }
  }

  async release(actor: Actor, rawId: string) {
    return this.decide(actor, rawId, 'release');
  }

  async remove(actor: Actor, rawId: string) {
    return this.decide(actor, rawId, 'delete');
  }

  /** The same decision for many entries, each in its own transaction; answers what became of each. */
  async act(actor: Actor, rawInput: unknown) {
    const input = parseInput(quarantineActionInput, rawInput);
    const results: Array<{ id: string; outcome: Outcome; detail?: string }> = [];
    for (const id of [...new Set(input.ids)]) {
      try {
        await this.decideOrThrowEngineError(actor, id, input.action);
        results.push({ id, outcome: input.action === 'release' ? 'released' : 'deleted' });
      } catch (error) {
        if (error instanceof QuarantineDecisionError) results.push({ id, outcome: error.reason, detail: error.message });
        else if (error instanceof AppError && error.code === 'NOT_FOUND') results.push({ id, outcome: 'not_found', detail: error.message });
        else throw error;
      }
    }
    const affected = results.filter((r) => r.outcome === 'released' || r.outcome === 'deleted').length;
    return { action: input.action, affected, results };
  }

  private async decide(actor: Actor, rawId: string, action: 'release' | 'delete'): Promise<QuarantineEntryView> {
    try {
      return await this.decideOrThrowEngineError(actor, rawId, action);
    } catch (error) {
      throw asAppError(error);
    }
  }

  /** Authorizes, decides and audits in one transaction. */
  private decideOrThrowEngineError(actor: Actor, rawId: string, action: 'release' | 'delete'): Promise<QuarantineEntryView> {
    return this.prisma.$transaction(async (tx) => {
        const row = await this.visibleEntry(tx, actor, rawId);
        // Seen but not theirs to decide (a reviewer's set without release or delete): 403.
        ForbiddenError.from(actor.ability).throwUnlessCan(action === 'release' ? 'update' : 'delete', subject('QuarantineEntry', row));
        const decided: Decided =
          action === 'release'
            ? await releaseQuarantinedIn(tx, row.id, this.engine.targets, actor.principal.name)
            : await deleteQuarantinedIn(tx, row.id, actor.principal.name);
        const names = await this.domainNames([row]);
        const before = this.present({ ...decided.before, blob: row.blob }, names);
        const after = this.present({ ...decided.after, blob: row.blob }, names);
        const domainId = domainIdOf(row.domainPath);
        await this.audit.record(tx, actor, {
          action: `quarantine.${action}`,
          subjectType: 'QuarantineEntry',
          subjectId: row.id,
          domain: domainId === null ? null : { id: domainId, path: row.domainPath },
          before,
          after: { ...after, ...(decided.delivery ? { deliveredTo: { folderId: decided.delivery.folderId, uid: decided.delivery.uid } } : {}) },
        });
        return after;
    });
  }

  /** An entry in the actor's scope: 404 when it does not exist or lies outside. */
  private async visibleEntry(db: Database | Tx, actor: Actor, rawId: string): Promise<EntryRow> {
    const parsed = entryId.safeParse(rawId);
    const row = parsed.success
      ? await db.quarantineEntry.findFirst({ where: { AND: [quarantineScope(actor), { id: BigInt(parsed.data) }] }, include: entryInclude })
      : null;
    if (!row) throw AppError.notFound('quarantine entry', rawId);
    return row;
  }

  private async domainNames(rows: Array<Pick<QuarantineEntry, 'domainPath'>>) {
    const ids = [...new Set(rows.map((row) => domainIdOf(row.domainPath)).filter((id): id is number => id !== null))];
    const domains = ids.length ? await this.prisma.domain.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
    return new Map(domains.map((d) => [d.id, d.name]));
  }

  private present(row: EntryRow, names: Map<number, string>): QuarantineEntryView {
    const domainId = domainIdOf(row.domainPath);
    return {
      id: String(row.id),
      state: stateOf(row),
      direction: row.direction,
      sender: row.sender,
      recipient: row.recipient,
      domain: domainId === null ? null : (names.get(domainId) ?? null),
      subject: row.subject,
      matches: row.matches,
      size: row.blob.size,
      receivedAt: row.createdAt.toISOString(),
      decidedBy: row.decidedBy,
      decidedAt: row.decidedAt?.toISOString() ?? null,
    };
  }
}
