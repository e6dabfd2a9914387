/**
 * Message bytes as content-addressed files (sha256) in storage units: one copy per content
 * whatever the number of mailboxes, queue entries and quarantine entries holding it (their
 * rows count the references, see prisma/routines/001_blob_refcount.sql).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore, Db, StoredBlob, Tx } from '../contracts.js';
import { TxBatcher } from '../tx-batch.js';
import { blobDirectory, blobPath, quarantineDirectory } from './blob-paths.js';
import { blobRowCtes, blobRowParams } from './blob-rows-sql.js';
import { ensureDirectoryDurably, isMissingFile } from './durable-files.js';
import { DurableWriter } from './durable-writer.js';
import { BlobCorruptError, BlobRaceError, StorageUnitUnavailableError } from './errors.js';
import { StorageUnitCatalog } from './unit-catalog.js';

export interface WrittenBlob {
  sha256: string;
  size: number;
  storageUnitId: number;
}

export interface WriteOptions {
  /**
   * The caller knows these bytes were never stored before (an accepted message: its
   * Received header holds a fresh queue id), so the lookup by hash is left to `record`,
   * inside the transaction, instead of costing a query before the write.
   */
  unique?: boolean;
}

interface RecordedRow {
  id: bigint;
  sha256: string;
  storageUnitId: number;
  state: string;
  inserted: boolean;
}

export interface FileBlobStoreOptions {
  /** The engine's data directory: the default shared unit is created under it on first use. */
  dataDir: string;
  /** How long the unit table is trusted before it is read again (ms). */
  unitRefreshMs?: number;
  log?: (line: string) => void;
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export class FileBlobStore implements BlobStore {
  readonly units: StorageUnitCatalog;
  private readonly log: (line: string) => void;
  /**
   * The bytes behind each `write()` result until it is recorded (or forgotten): `record`
   * needs them in the rare case the file it relied on was freed in between.
   */
  private readonly bytesOfWritten = new WeakMap<WrittenBlob, Buffer>();
  /** Fan-out directories known to exist (made durable once): no mkdir per message. */
  private readonly knownDirectories = new Set<string>();
  private readonly writer = new DurableWriter();
  /** Unique content whose file this process wrote (see `recordAll`). */
  private readonly writtenUnique = new WeakSet<WrittenBlob>();
  /** The blobs recorded in one transaction at the same moment share one statement. */
  private readonly recorder = new TxBatcher<WrittenBlob, StoredBlob>((tx, written) => this.recordAll(tx, written));

  constructor(
    private readonly db: Db,
    options: FileBlobStoreOptions,
  ) {
    this.units = new StorageUnitCatalog(db, { dataDir: options.dataDir, refreshMs: options.unitRefreshMs });
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Creates the default shared unit when there is no unit at all (engine start). */
  async init() {
    if ((await this.db.storageUnit.count()) === 0) await this.units.ensureDefaultUnit();
  }

  async store(tx: Tx, bytes: Buffer, domainId: number | null): Promise<StoredBlob> {
    return this.record(tx, await this.writeReading(tx, bytes, domainId));
  }

  async write(bytes: Buffer, domainId: number | null, options: WriteOptions = {}): Promise<WrittenBlob> {
    return this.writeReading(this.db, bytes, domainId, options);
  }

  /** `write`, reading the database through `reader` (the caller's transaction in `store`). */
  private async writeReading(reader: Db | Tx, bytes: Buffer, domainId: number | null, options: WriteOptions = {}): Promise<WrittenBlob> {
    const sha256 = sha256Of(bytes);
    const size = bytes.length;
    // Known content stays where it is: no second copy on another unit. (Should "unique"
    // content exist after all, `record` keeps the existing row and its unit; the copy
    // written here is then left unreferenced, as in the race described in `record`.)
    const existing = options.unique ? null : await reader.messageBlob.findUnique({ where: { sha256 }, select: { storageUnitId: true, state: true } });
    const unit = existing ? await this.units.unit(existing.storageUnitId, reader) : await this.units.choose(domainId, size, reader);
    // A present file was fsynced by the write that created its row; a corrupt blob's file has
    // gone to quarantine, so the fresh, verified bytes replace it.
    const present = existing?.state === 'ok' && (await this.hasFile(unit.directory, sha256, size));
    if (!present) {
      // Unique content has no row to lead anyone to its name before this returns.
      await this.writeBlobFile(unit.directory, sha256, bytes, options.unique === true);
      if (!existing) this.units.noteWritten(unit.id, size);
    }
    const written: WrittenBlob = { sha256, size, storageUnitId: unit.id };
    this.bytesOfWritten.set(written, bytes);
    if (options.unique && !present) this.writtenUnique.add(written);
    return written;
  }

  /** Coalesced with the other records of the same transaction and moment (see tx-batch.ts). */
  record(tx: Tx, written: WrittenBlob): Promise<StoredBlob> {
    return this.recorder.load(tx, written);
  }

  private async recordAll(tx: Tx, all: WrittenBlob[]): Promise<StoredBlob[]> {
    const { unique, params } = blobRowParams(all);
    const rows = await tx.$queryRawUnsafe<RecordedRow[]>(`WITH ${blobRowCtes('$1', '$2', '$3')} SELECT "id", "sha256", "storageUnitId", "state", "inserted" FROM upserted`, ...params);
    const rowOf = new Map(rows.map((row) => [row.sha256, row]));
    // Content already stored on another unit stays there; a copy `write` made meanwhile on
    // the chosen unit (two first deliveries of it at once) is left behind, unreferenced.
    // Each file is checked only now that its row is ours: see the sweeper for the race this closes.
    await Promise.all(
      unique.map(async (written) => {
        const row = rowOf.get(written.sha256);
        if (!row) throw new Error(`could not record blob ${written.sha256}`);
        // A row this statement created for content never stored before had no earlier row
        // for the sweeper to free, so nothing can have taken the file written for it.
        if (row.inserted && this.writtenUnique.has(written)) return;
        const unit = await this.units.unit(row.storageUnitId, tx);
        const intact = row.state === 'ok' && (await this.hasFile(unit.directory, written.sha256, written.size));
        if (!intact) await this.restoreFile(tx, row, unit.directory, written);
      }),
    );
    return all.map((written) => ({ blobId: rowOf.get(written.sha256)!.id, sha256: written.sha256, size: written.size }));
  }

  async read(blobId: bigint): Promise<Buffer> {
    const row = await this.db.messageBlob.findUnique({ where: { id: blobId }, select: { sha256: true, state: true, storageUnitId: true } });
    if (!row) throw new Error(`message blob ${blobId} does not exist`);
    if (row.state === 'corrupt') throw new BlobCorruptError(blobId, 'corrupt-blob', 'isolated earlier');
    const unit = await this.units.unit(row.storageUnitId);
    const bytes = await this.readVerified(blobPath(unit.directory, row.sha256), row.sha256);
    return bytes ?? this.isolate(blobId);
  }

  /** The file's bytes when it exists and hashes right, else null (also used by the unit drainer). */
  async readVerified(path: string, sha256: string): Promise<Buffer | null> {
    try {
      const bytes = await readFile(path);
      return sha256Of(bytes) === sha256 ? bytes : null;
    } catch (error) {
      if (isMissingFile(error)) return null;
      throw error;
    }
  }

  /**
   * Takes a bad blob out of service: file to the unit's quarantine, row marked corrupt, a
   * StorageProblem for the operators. Done under the row lock and after a second look, so
   * concurrent readers report it once and a file restored meanwhile is not condemned.
   */
  private async isolate(blobId: bigint): Promise<Buffer> {
    let problem: BlobCorruptError | null = null;
    let isolatedPath: string | null = null;
    let movedFrom: string | null = null;
    const healthy = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ sha256: string; size: number; state: string; storageUnitId: number }>>`
        SELECT "sha256", "size", "state"::text AS "state", "storageUnitId" FROM "MessageBlob" WHERE "id" = ${blobId} FOR UPDATE`;
      if (!row) throw new Error(`message blob ${blobId} does not exist`);
      if (row.state === 'corrupt') throw new BlobCorruptError(blobId, 'corrupt-blob', 'isolated earlier');
      const unit = await this.units.unit(row.storageUnitId, tx);
      const path = blobPath(unit.directory, row.sha256);
      const second = await this.readVerified(path, row.sha256);
      if (second) return second;
      let detail: string;
      try {
        const found = await readFile(path);
        detail = `file ${path} holds ${found.length} bytes hashing to ${sha256Of(found)}, expected ${row.size} bytes hashing to ${row.sha256}`;
        await ensureDirectoryDurably(quarantineDirectory(unit.directory));
        isolatedPath = join(quarantineDirectory(unit.directory), `${row.sha256}-${Date.now()}-${randomBytes(3).toString('hex')}`);
        await rename(path, isolatedPath);
        movedFrom = path;
        problem = new BlobCorruptError(blobId, 'corrupt-blob', detail);
      } catch (error) {
        if (!isMissingFile(error)) throw error;
        if (!(await this.unitIsMounted(unit.directory))) throw new StorageUnitUnavailableError(unit.id, unit.directory);
        detail = `file ${path} is missing`;
        isolatedPath = null;
        problem = new BlobCorruptError(blobId, 'missing-blob', detail);
      }
      await tx.$executeRaw`UPDATE "MessageBlob" SET "state" = 'corrupt' WHERE "id" = ${blobId}`;
      await tx.storageProblem.create({ data: { storageUnitId: unit.id, blobId, kind: problem.kind, detail, isolatedPath } });
      return null;
    }).catch(async (error: unknown) => {
      // The row still says ok: put the file back so the next read finds and reports it again.
      if (movedFrom && isolatedPath) await rename(isolatedPath, movedFrom).catch(() => {});
      throw error;
    });
    if (healthy) return healthy;
    const error = problem as unknown as BlobCorruptError;
    this.log(`storage: ${error.message}${isolatedPath ? `; moved to ${isolatedPath}` : ''}`);
    throw error;
  }

  /**
   * The row is ours but its file is not there (freed by the sweeper between `write` and this
   * transaction) or was isolated as corrupt: put the verified bytes back.
   */
  private async restoreFile(tx: Tx, row: { id: bigint; state: string }, unitDirectory: string, written: WrittenBlob) {
    const bytes = this.bytesOfWritten.get(written) ?? (await this.readVerified(blobPath(unitDirectory, written.sha256), written.sha256));
    if (!bytes) throw new BlobRaceError(written.sha256);
    await this.writeBlobFile(unitDirectory, written.sha256, bytes);
    if (row.state !== 'ok') await tx.$executeRaw`UPDATE "MessageBlob" SET "state" = 'ok' WHERE "id" = ${row.id}`;
  }

  private async unitIsMounted(unitDirectory: string) {
    try {
      return (await readdir(unitDirectory)).length > 0;
    } catch (error) {
      if (isMissingFile(error)) return false;
      throw error;
    }
  }

  private async hasFile(unitDirectory: string, sha256: string, size: number) {
    try {
      return (await stat(blobPath(unitDirectory, sha256))).size === size;
    } catch (error) {
      if (isMissingFile(error)) return false;
      throw error;
    }
  }

  /**
   * Writes a blob's file durably into a unit (the unit drainer copies blobs with it). Unless
   * `exclusive`, an existing file of that name is replaced atomically (temporary file, rename).
   */
  async writeBlobFile(unitDirectory: string, sha256: string, bytes: Buffer, exclusive = false) {
    const directory = blobDirectory(unitDirectory, sha256);
    const known = this.knownDirectories.has(directory);
    try {
      await this.writer.write(directory, sha256, bytes, { ensureDirectory: !known, exclusive });
    } catch (error) {
      if (!known || !isMissingFile(error)) throw error;
      // The directory went away behind our back (an operator's cleanup): make it again.
      this.knownDirectories.delete(directory);
      await this.writer.write(directory, sha256, bytes, { ensureDirectory: true, exclusive });
    }
    this.knownDirectories.add(directory);
  }

}
