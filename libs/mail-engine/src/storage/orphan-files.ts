/**
 * Files a crash left behind. `BlobStore.write` makes a message's file durable before the
 * transaction that records it; when the process dies between the two, the file stays on disk
 * with no MessageBlob row (smtp/orphans.ts cleans up after failed transactions, but only in a
 * process that lives long enough).
 *
 * The audit does not delete such files itself: deciding that no delivery is about to claim a
 * file is exactly the race the blob sweeper already closes (see blob-sweeper.ts). So each
 * orphan older than the grace period is *adopted* as an unreferenced, already-old blob row,
 * inserted with ON CONFLICT DO NOTHING (a delivery recording the same content at that moment
 * keeps its row), and the sweeper frees it by its own safe protocol. Its size is added to the
 * unit's usage, since the sweeper subtracts it again when it frees the row.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../contracts.js';

const FAN_OUT = /^[0-9a-f]{2}$/;
const BLOB_NAME = /^[0-9a-f]{64}$/;
const BATCH = 500;

export interface OrphanAuditOptions {
  /** Files younger than this are spared: their transaction may still be running (default 1 hour). */
  olderThanSeconds?: number;
}

interface FoundFile {
  sha256: string;
  size: number;
}

async function names(directory: string, pattern: RegExp): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((name) => pattern.test(name)).sort();
  } catch {
    return [];
  }
}

/** Yields batches of the unit's blob files older than `before` (ms since the epoch); also used by the unit drainer. */
export async function* oldBlobFiles(directory: string, before: number): AsyncGenerator<FoundFile[]> {
  let batch: FoundFile[] = [];
  for (const first of await names(directory, FAN_OUT)) {
    for (const second of await names(join(directory, first), FAN_OUT)) {
      const leaf = join(directory, first, second);
      for (const name of await names(leaf, BLOB_NAME)) {
        const info = await stat(join(leaf, name)).catch(() => null);
        if (!info?.isFile() || info.mtimeMs >= before) continue;
        batch.push({ sha256: name, size: info.size });
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
  }
  if (batch.length) yield batch;
}

/** Adopts every orphan file of every storage unit; answers how many files were adopted. */
export async function adoptOrphanFiles(db: Db, options: OrphanAuditOptions = {}): Promise<{ adopted: number; bytes: number }> {
  const before = Date.now() - (options.olderThanSeconds ?? 3600) * 1000;
  const units = await db.storageUnit.findMany({ select: { id: true, directory: true }, orderBy: { id: 'asc' } });
  const total = { adopted: 0, bytes: 0 };
  for (const unit of units) {
    for await (const files of oldBlobFiles(unit.directory, before)) {
      const known = await db.messageBlob.findMany({ where: { sha256: { in: files.map((f) => f.sha256) } }, select: { sha256: true } });
      const knownHashes = new Set(known.map((row) => row.sha256));
      const orphans = files.filter((file) => !knownHashes.has(file.sha256));
      if (orphans.length === 0) continue;
      const adopted = await db.$queryRaw<Array<{ size: number }>>`
        WITH input AS (
          SELECT * FROM unnest(${orphans.map((f) => f.sha256)}::text[], ${orphans.map((f) => f.size)}::int[]) AS t("sha256", "size")
        ), adopted AS (
          INSERT INTO "MessageBlob" ("sha256", "size", "storageUnitId", "refCount", "createdAt")
          SELECT "sha256", "size", ${unit.id}, 0, LOCALTIMESTAMP - interval '1 day' FROM input ORDER BY "sha256"
          ON CONFLICT ("sha256") DO NOTHING
          RETURNING "size"
        ), usage AS (
          INSERT INTO "StorageUsageDelta" ("storageUnitId", "bytes")
          SELECT ${unit.id}, sum("size") FROM adopted HAVING count(*) > 0
          RETURNING 1
        )
        SELECT "size" FROM adopted`;
      total.adopted += adopted.length;
      total.bytes += adopted.reduce((sum, row) => sum + row.size, 0);
    }
  }
  return total;
}
