/**
 * Frees blobs nothing refers to any more (refCount 0, kept exact by database triggers).
 *
 * Why this order is safe against a delivery of the same content at the same moment:
 * - A delivery relies on a blob only through `FileBlobStore.record`, whose upsert locks the
 *   row until the delivery commits, together with the rows that reference it. The sweeper
 *   takes rows with FOR UPDATE SKIP LOCKED, so it never frees a row a delivery holds, and
 *   once that delivery commits the row is referenced (refCount > 0).
 * - If the sweeper locks the row first, the delivery's upsert waits for the sweeper's
 *   commit and then inserts a new row. Its `write` may have seen the old file and skipped
 *   writing it, or written it just before the sweeper's rename moved it away; so `record`
 *   looks for the file only after it holds the row, and writes the bytes again when the
 *   file is gone. The file is therefore present whenever a committed row says so.
 * - The sweeper renames files into trash/ before its commit and unlinks them only after:
 *   should the transaction fail, the files are put back, so a row never outlives its file.
 *   A crash between commit and unlink leaves garbage in trash/, which a later sweep removes.
 * - The grace period spares rows made by a caller that stores a blob in one transaction and
 *   refers to it in the next (a reused row gets a fresh createdAt in `record` for the same
 *   reason).
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../contracts.js';
import { blobPath, trashDirectory } from './blob-paths.js';
import { ensureDirectoryDurably, isMissingFile } from './durable-files.js';
import { adoptOrphanFiles, type OrphanAuditOptions } from './orphan-files.js';

export interface SweepOptions {
  /** Blobs younger than this are spared (default 60 s). */
  olderThanSeconds?: number;
  /** Rows freed per transaction (default 500). */
  batchSize?: number;
  /** Trash files older than this are leftovers of a crash and removed (default 600 s). */
  staleTrashSeconds?: number;
}

interface Candidate {
  id: bigint;
  sha256: string;
  size: number;
  storageUnitId: number;
  directory: string;
}

/** Frees unreferenced blobs, batch after batch; answers how many and how many bytes. */
export async function sweepUnreferencedBlobs(db: Db, options: SweepOptions = {}): Promise<{ freed: number; bytes: number }> {
  const total = { freed: 0, bytes: 0 };
  for (;;) {
    const batch = await sweepBatch(db, options);
    total.freed += batch.freed;
    total.bytes += batch.bytes;
    if (batch.freed < (options.batchSize ?? 500)) break;
  }
  await removeStaleTrash(db, options.staleTrashSeconds ?? 600);
  return total;
}

async function sweepBatch(db: Db, options: SweepOptions) {
  const moved: Array<{ from: string; to: string }> = [];
  let candidates: Candidate[] = [];
  try {
    await db.$transaction(async (tx) => {
      candidates = await tx.$queryRaw<Candidate[]>`
        SELECT b."id", b."sha256", b."size", b."storageUnitId", u."directory"
        FROM "MessageBlob" b JOIN "StorageUnit" u ON u."id" = b."storageUnitId"
        WHERE b."refCount" = 0 AND b."createdAt" < LOCALTIMESTAMP - make_interval(secs => ${options.olderThanSeconds ?? 60})
        ORDER BY b."id"
        LIMIT ${options.batchSize ?? 500}
        FOR UPDATE OF b SKIP LOCKED`;
      if (candidates.length === 0) return;
      const trashReady = new Set<string>();
      for (const blob of candidates) {
        const trash = trashDirectory(blob.directory);
        if (!trashReady.has(trash)) await ensureDirectoryDurably(trash);
        trashReady.add(trash);
        const from = blobPath(blob.directory, blob.sha256);
        const to = join(trash, `${blob.sha256}-${randomBytes(4).toString('hex')}`);
        try {
          await rename(from, to);
          moved.push({ from, to });
        } catch (error) {
          // A corrupt blob's file is already in quarantine, where the operators keep it.
          if (!isMissingFile(error)) throw error;
        }
      }
      await tx.$executeRaw`DELETE FROM "MessageBlob" WHERE "id" = ANY(${candidates.map((c) => c.id)}::bigint[])`;
      const freedPerUnit = new Map<number, number>();
      for (const blob of candidates) freedPerUnit.set(blob.storageUnitId, (freedPerUnit.get(blob.storageUnitId) ?? 0) + blob.size);
      for (const [unitId, bytes] of [...freedPerUnit].sort(([a], [b]) => a - b)) {
        await tx.$executeRaw`INSERT INTO "StorageUsageDelta" ("storageUnitId", "bytes") VALUES (${unitId}, ${-bytes})`;
      }
    });
  } catch (error) {
    await Promise.all(moved.map(({ from, to }) => rename(to, from).catch(() => {})));
    throw error;
  }
  await Promise.all(moved.map(({ to }) => unlink(to).catch(() => {})));
  return { freed: candidates.length, bytes: candidates.reduce((sum, c) => sum + c.size, 0) };
}

async function removeStaleTrash(db: Db, staleSeconds: number) {
  const units = await db.storageUnit.findMany({ select: { directory: true } });
  const limit = Date.now() - staleSeconds * 1000;
  for (const unit of units) {
    const trash = trashDirectory(unit.directory);
    let names: string[];
    try {
      names = await readdir(trash);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(trash, name);
      // A rename sets ctime: it tells when the file entered the trash.
      const moved = await stat(path).then((s) => s.ctimeMs, () => Date.now());
      if (moved < limit) await unlink(path).catch(() => {});
    }
  }
}

/** Runs the sweeper every `intervalMs`; answers a function that stops it (and waits for a running sweep). */
export function startStorageSweeper(
  db: Db,
  intervalMs: number,
  options: SweepOptions & OrphanAuditOptions & { log?: (line: string) => void; orphanAuditIntervalMs?: number } = {},
) {
  const log = options.log ?? ((line: string) => console.error(line));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  // The first sweep after a start looks for files a crash left behind, then once a day.
  let nextOrphanAudit = 0;
  const auditOrphans = async () => {
    if (Date.now() < nextOrphanAudit) return;
    nextOrphanAudit = Date.now() + (options.orphanAuditIntervalMs ?? 24 * 3600_000);
    const { adopted, bytes } = await adoptOrphanFiles(db, options);
    if (adopted) log(`storage: ${adopted} file(s) left by an interrupted delivery (${bytes} bytes) will be freed`);
  };
  const tick = () => {
    running = auditOrphans()
      .then(() => sweepUnreferencedBlobs(db, options))
      .then(
        () => {},
        (error: unknown) => log(`storage sweeper: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
