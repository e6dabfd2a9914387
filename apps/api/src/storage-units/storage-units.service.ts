import { ForbiddenError } from '@schoolmail/rbac';
import { Inject, Injectable } from '@nestjs/common';
import { relative, isAbsolute } from 'node:path';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { assertVersion } from '../common/etag.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { probeWritableDirectory } from './directory-probe.js';
import { capacityOf, createStorageUnitInput, listProblemsQuery, listStorageUnitsQuery, updateStorageUnitInput } from './storage-unit.schemas.js';

const unitInclude = { domains: { select: { domain: { select: { name: true } } } } } satisfies Prisma.StorageUnitInclude;
type UnitRow = Prisma.StorageUnitGetPayload<{ include: typeof unitInclude }>;

export function presentStorageUnit(row: UnitRow, usage: { blobCount: number; pendingBytes: bigint }) {
  const used = row.usedBytes + usage.pendingBytes;
  const free = row.capacityBytes - used;
  return {
    id: row.id,
    name: row.name,
    directory: row.directory,
    state: row.state,
    capacityBytes: Number(row.capacityBytes),
    usedBytes: Number(used),
    freeBytes: Number(free > 0n ? free : 0n),
    blobCount: usage.blobCount,
    domains: row.domains.map((d) => d.domain.name).sort(),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
const NO_USAGE = { blobCount: 0, pendingBytes: 0n };

export type StorageUnitView = ReturnType<typeof presentStorageUnit>;

type ProblemRow = Prisma.StorageProblemGetPayload<object>;
export function presentStorageProblem(row: ProblemRow) {
  return {
    id: row.id,
    kind: row.kind,
    detail: row.detail,
    blobId: row.blobId === null ? null : String(row.blobId),
    isolatedPath: row.isolatedPath,
    detectedAt: row.detectedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/** `a` is `b` or lies inside it. */
const within = (a: string, b: string) => {
  const path = relative(b, a);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};

/**
 * Storage units: where message bytes live. Platform staff only (the StorageUnit subject is
 * never delegated). `usedBytes` trails new mail by about a second: the engine folds the
 * usage deltas that accepting mail writes (see libs/mail-engine/src/storage/usage.ts).
 * `version` (the ETag) counts administrators' changes only: the usage fold leaves it, so a
 * unit taking mail does not turn every open settings form stale.
 */
@Injectable()
export class StorageUnitsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, rawInput: unknown) {
    ForbiddenError.from(actor.ability).throwUnlessCan('create', 'StorageUnit');
    const input = parseInput(createStorageUnitInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      if (await tx.storageUnit.findUnique({ where: { name: input.name } })) throw AppError.conflict(`storage unit ${input.name} already exists`, 'name');
      await this.assertDirectoryFree(tx, input.directory, null);
      const domainIds = await this.domainIds(tx, input.domains ?? []);
      await probeWritableDirectory(input.directory);
      const created = await tx.storageUnit.create({
        data: {
          name: input.name,
          directory: input.directory,
          capacityBytes: capacityOf(input)!,
          state: input.state ?? 'active',
          domains: { create: domainIds.map((domainId) => ({ domainId })) },
        },
        include: unitInclude,
      });
      const view = presentStorageUnit(created, NO_USAGE);
      await this.audit.record(tx, actor, { action: 'storage-unit.create', subjectType: 'StorageUnit', subjectId: created.name, after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    ForbiddenError.from(actor.ability).throwUnlessCan('read', 'StorageUnit');
    const query = parseInput(listStorageUnitsQuery, rawQuery);
    const page = keyset<UnitRow>({ sortField: 'name', unique: true, limit: query.limit, cursor: query.cursor });
    const filters: Prisma.StorageUnitWhereInput[] = [page.where];
    if (query.q) filters.push({ name: { contains: query.q } });
    const rows = await this.prisma.storageUnit.findMany({ where: { AND: filters }, orderBy: page.orderBy as never, take: page.take, include: unitInclude });
    const usage = await this.usage(rows.map((row) => row.id));
    return page.page(rows, (row) => presentStorageUnit(row, usage.get(row.id) ?? NO_USAGE));
  }

  async get(actor: Actor, id: string | number) {
    ForbiddenError.from(actor.ability).throwUnlessCan('read', 'StorageUnit');
    const row = await this.find(this.prisma, id);
    return presentStorageUnit(row, (await this.usage([row.id])).get(row.id) ?? NO_USAGE);
  }

  async update(actor: Actor, id: string | number, rawInput: unknown, expectedVersion?: number) {
    ForbiddenError.from(actor.ability).throwUnlessCan('update', 'StorageUnit');
    const input = parseInput(updateStorageUnitInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await this.find(tx, id);
      assertVersion(row.version, expectedVersion);
      const usage = (await this.usage([row.id], tx)).get(row.id) ?? NO_USAGE;
      const before = presentStorageUnit(row, usage);
      if (input.name !== undefined && input.name !== row.name && (await tx.storageUnit.findUnique({ where: { name: input.name } }))) {
        throw AppError.conflict(`storage unit ${input.name} already exists`, 'name');
      }
      const data: Prisma.StorageUnitUpdateManyMutationInput = { version: { increment: 1 } };
      if (input.name !== undefined) data.name = input.name;
      if (input.state !== undefined) data.state = input.state;
      const capacity = capacityOf(input);
      if (capacity !== undefined) data.capacityBytes = capacity;
      const domainIds = input.domains === undefined ? undefined : await this.domainIds(tx, input.domains);
      // Compare-and-set on the version read: a change committed since answers 412, not lost.
      const updated = await tx.storageUnit.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the storage unit changed while this update ran; read it again and retry');
      if (domainIds !== undefined) {
        await tx.storageUnitDomain.deleteMany({ where: { storageUnitId: row.id } });
        await tx.storageUnitDomain.createMany({ data: domainIds.map((domainId) => ({ storageUnitId: row.id, domainId })) });
      }
      // Read after the write: the row lock it holds keeps a usage fold from landing in between.
      const after = presentStorageUnit(
        await tx.storageUnit.findUniqueOrThrow({ where: { id: row.id }, include: unitInclude }),
        (await this.usage([row.id], tx)).get(row.id) ?? NO_USAGE,
      );
      await this.audit.record(tx, actor, { action: 'storage-unit.update', subjectType: 'StorageUnit', subjectId: after.name, before, after });
      return after;
    });
  }

  async problems(actor: Actor, id: string | number, rawQuery: unknown) {
    ForbiddenError.from(actor.ability).throwUnlessCan('read', 'StorageUnit');
    const query = parseInput(listProblemsQuery, rawQuery);
    const unit = await this.find(this.prisma, id);
    const page = keyset<ProblemRow>({ sortField: 'id', direction: 'desc', limit: query.limit, cursor: query.cursor });
    const filters: Prisma.StorageProblemWhereInput[] = [{ storageUnitId: unit.id }, page.where];
    if (query.unresolved) filters.push({ resolvedAt: null });
    const rows = await this.prisma.storageProblem.findMany({ where: { AND: filters }, orderBy: page.orderBy as never, take: page.take });
    return page.page(rows, presentStorageProblem);
  }

  /**
   * Marks a problem resolved: an operator has dealt with it (restored the file from a backup,
   * or accepted the loss). The blob itself stays as the engine left it. Resolving it again
   * changes nothing. A problem of another unit is not found. A problem is a row of its own,
   * not part of the unit's representation: resolving it leaves the unit's version (ETag).
   */
  async resolveProblem(actor: Actor, id: string | number, problemId: string | number) {
    ForbiddenError.from(actor.ability).throwUnlessCan('update', 'StorageUnit');
    return this.prisma.$transaction(async (tx) => {
      const unit = await this.find(tx, id);
      const key = String(problemId);
      const row = /^\d{1,9}$/.test(key) ? await tx.storageProblem.findFirst({ where: { id: Number(key), storageUnitId: unit.id } }) : null;
      if (!row) throw AppError.notFound('storage problem', key);
      if (row.resolvedAt) return presentStorageProblem(row);
      const after = presentStorageProblem(await tx.storageProblem.update({ where: { id: row.id }, data: { resolvedAt: new Date() } }));
      await this.audit.record(tx, actor, { action: 'storage-problem.resolve', subjectType: 'StorageUnit', subjectId: unit.name, before: presentStorageProblem(row), after });
      return after;
    });
  }

  private async find(db: Database | Tx, id: string | number): Promise<UnitRow> {
    const key = String(id);
    if (!/^\d{1,9}$/.test(key)) throw AppError.notFound('storage unit', key);
    const row = await db.storageUnit.findUnique({ where: { id: Number(key) }, include: unitInclude });
    if (!row) throw AppError.notFound('storage unit', key);
    return row;
  }

  /** Blob counts, and the bytes not yet folded into usedBytes, of some units (one query each). */
  private async usage(unitIds: number[], db: Database | Tx = this.prisma) {
    const usage = new Map<number, { blobCount: number; pendingBytes: bigint }>(unitIds.map((id) => [id, { ...NO_USAGE }]));
    if (unitIds.length === 0) return usage;
    const blobs = await db.messageBlob.groupBy({ by: ['storageUnitId'], where: { storageUnitId: { in: unitIds } }, _count: { _all: true } });
    const pending = await db.storageUsageDelta.groupBy({ by: ['storageUnitId'], where: { storageUnitId: { in: unitIds } }, _sum: { bytes: true } });
    for (const g of blobs) usage.get(g.storageUnitId)!.blobCount = g._count._all;
    for (const g of pending) usage.get(g.storageUnitId)!.pendingBytes = g._sum.bytes ?? 0n;
    return usage;
  }

  private async domainIds(tx: Tx, names: string[]) {
    const unique = [...new Set(names)];
    const rows = await tx.domain.findMany({ where: { name: { in: unique } }, select: { id: true, name: true } });
    const unknown = unique.filter((name) => !rows.some((row) => row.name === name));
    if (unknown.length) throw AppError.invalid('domains', `unknown domain(s): ${unknown.join(', ')}`);
    return rows.map((row) => row.id);
  }

  /** Two units in one directory (or one inside the other) would free each other's files. */
  private async assertDirectoryFree(tx: Tx, directory: string, exceptId: number | null) {
    const units = await tx.storageUnit.findMany({ select: { id: true, name: true, directory: true } });
    const clash = units.find((unit) => unit.id !== exceptId && (within(directory, unit.directory) || within(unit.directory, directory)));
    if (!clash) return;
    if (clash.directory === directory) throw AppError.conflict(`storage unit ${clash.name} already uses ${directory}`, 'directory');
    throw AppError.invalid('directory', `overlaps storage unit ${clash.name} (${clash.directory}): units need directories of their own`);
  }
}
