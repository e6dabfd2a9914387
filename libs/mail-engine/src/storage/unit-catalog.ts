/**
 * Which storage unit takes new mail. A domain's units are those assigned to it or to one
 * of its parent domains (the nearest assignment wins); a domain without any uses the shared
 * units (assigned to no domain). Among candidates, an `active` unit with room for the
 * message, most free space first. The unit table is re-read at most every `refreshMs`, so a
 * unit added by an operator takes mail a second later, on every engine process.
 */
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db, Tx } from '../contracts.js';
import { idsOfPath } from '../settings/load-settings.js';
import { ensureDirectoryDurably } from './durable-files.js';
import { NoStorageAvailableError } from './errors.js';

export interface StorageUnitRecord {
  id: number;
  name: string;
  directory: string;
  capacityBytes: bigint;
  usedBytes: bigint;
  state: 'active' | 'read_only' | 'draining';
  domainIds: number[];
}

/**
 * Where the catalog reads: its own client, or the caller's transaction when it is asked from
 * inside one (a query on another pooled connection there could wait for a connection that
 * only the waiting transactions hold).
 */
export type CatalogReader = Pick<Db | Tx, 'storageUnit' | 'domain' | 'storageUsageDelta'>;

export const DEFAULT_UNIT_NAME = 'default';
const FALLBACK_CAPACITY = 100n * 1024n ** 3n;

/** Bytes free on the filesystem holding `directory`, or null when it cannot be told. */
export async function filesystemFreeBytes(directory: string): Promise<bigint | null> {
  try {
    const stats = await statfs(directory, { bigint: true });
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export class StorageUnitCatalog {
  private snapshot: { at: number; units: Map<number, StorageUnitRecord> } | null = null;
  private loading: Promise<Map<number, StorageUnitRecord>> | null = null;
  /** Bytes this process wrote since the snapshot, so back-to-back messages see the unit fill. */
  private writtenSinceSnapshot = new Map<number, bigint>();
  private readonly domainAncestors = new Map<number, { at: number; ids: number[] }>();

  constructor(
    private readonly db: Db,
    private readonly options: { dataDir: string; refreshMs?: number; domainRefreshMs?: number },
  ) {}

  get defaultDirectory() {
    return join(this.options.dataDir, 'storage', DEFAULT_UNIT_NAME);
  }

  async units(force = false, reader: CatalogReader = this.db): Promise<Map<number, StorageUnitRecord>> {
    const fresh = this.snapshot && Date.now() - this.snapshot.at < (this.options.refreshMs ?? 1000);
    if (fresh && !force) return this.snapshot!.units;
    this.loading ??= this.load(reader).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  async unit(id: number, reader: CatalogReader = this.db): Promise<StorageUnitRecord> {
    const known = (await this.units(false, reader)).get(id) ?? (await this.units(true, reader)).get(id);
    if (!known) throw new Error(`storage unit ${id} does not exist`);
    return known;
  }

  noteWritten(unitId: number, size: number) {
    this.writtenSinceSnapshot.set(unitId, (this.writtenSinceSnapshot.get(unitId) ?? 0n) + BigInt(size));
  }

  /** The unit that takes a new message of `size` bytes for `domainId` (null: no domain). */
  async choose(domainId: number | null, size: number, reader: CatalogReader = this.db): Promise<StorageUnitRecord> {
    const ancestors = domainId === null ? [] : await this.ancestorsOf(domainId, reader);
    let units = [...(await this.units(false, reader)).values()];
    const level = (unit: StorageUnitRecord) => Math.max(-1, ...unit.domainIds.map((id) => ancestors.indexOf(id)));
    let pool = units.filter((unit) => level(unit) >= 0);
    let scope = domainId === null ? 'the shared units' : `the units of domain ${domainId}`;
    if (pool.length === 0) {
      scope = 'the shared units';
      pool = units.filter((unit) => unit.domainIds.length === 0);
      if (pool.length === 0) {
        await this.ensureDefaultUnit();
        units = [...(await this.units(true, reader)).values()];
        pool = units.filter((unit) => unit.domainIds.length === 0);
      }
    }
    const free = (unit: StorageUnitRecord) => unit.capacityBytes - unit.usedBytes - (this.writtenSinceSnapshot.get(unit.id) ?? 0n);
    const usable = pool
      .filter((unit) => unit.state === 'active' && free(unit) >= BigInt(size))
      .sort((a, b) => level(b) - level(a) || (free(b) > free(a) ? 1 : free(b) < free(a) ? -1 : a.id - b.id));
    if (usable.length === 0) {
      throw new NoStorageAvailableError(pool.length ? `${scope} are full, read-only or draining` : `there are no ${scope}`);
    }
    return usable[0]!;
  }

  private async ancestorsOf(domainId: number, reader: CatalogReader): Promise<number[]> {
    const cached = this.domainAncestors.get(domainId);
    if (cached && Date.now() - cached.at < (this.options.domainRefreshMs ?? 10_000)) return cached.ids;
    const domain = await reader.domain.findUnique({ where: { id: domainId }, select: { path: true } });
    const ids = domain ? idsOfPath(domain.path) : [];
    this.domainAncestors.set(domainId, { at: Date.now(), ids });
    return ids;
  }

  /**
   * A fresh installation gets one shared unit in the data directory. The engine calls this
   * at start; `choose` calls it too when it finds no shared unit. It writes on the catalog's
   * own client, never in a caller's transaction, whose rollback would take the unit away.
   */
  async ensureDefaultUnit() {
    const directory = this.defaultDirectory;
    await ensureDirectoryDurably(directory);
    const capacityBytes = (await filesystemFreeBytes(directory)) ?? FALLBACK_CAPACITY;
    // Several processes may get here at once: the unique name and directory keep one row.
    await this.db.storageUnit.createMany({ data: [{ name: DEFAULT_UNIT_NAME, directory, capacityBytes }], skipDuplicates: true });
  }

  private async load(reader: CatalogReader) {
    const rows = await reader.storageUnit.findMany({ include: { domains: { select: { domainId: true } } }, orderBy: { id: 'asc' } });
    // Usage not yet folded into usedBytes (see usage.ts) counts too.
    const pending = await reader.storageUsageDelta.groupBy({ by: ['storageUnitId'], _sum: { bytes: true } });
    const pendingOf = new Map(pending.map((p) => [p.storageUnitId, p._sum.bytes ?? 0n]));
    const units = new Map<number, StorageUnitRecord>(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          name: row.name,
          directory: row.directory,
          capacityBytes: row.capacityBytes,
          usedBytes: row.usedBytes + (pendingOf.get(row.id) ?? 0n),
          state: row.state,
          domainIds: row.domains.map((d) => d.domainId),
        },
      ]),
    );
    this.snapshot = { at: Date.now(), units };
    this.writtenSinceSnapshot = new Map();
    return units;
  }
}
