import type { Db } from '../contracts.js';

/**
 * Adds the pending StorageUsageDelta rows into StorageUnit.usedBytes, in one statement (the
 * deltas it deletes are exactly the ones it adds). Acceptance transactions only insert
 * deltas, so they never queue behind each other on a unit's row.
 */
export async function foldStorageUsage(db: Db) {
  await db.$executeRaw`
    WITH folded AS (DELETE FROM "StorageUsageDelta" RETURNING "storageUnitId", "bytes")
    UPDATE "StorageUnit" u SET "usedBytes" = u."usedBytes" + f.total, "updatedAt" = now()
    FROM (SELECT "storageUnitId", sum("bytes") AS total FROM folded GROUP BY "storageUnitId") f
    WHERE u.id = f."storageUnitId"`;
}

/** Folds usage every `intervalMs`; returns a function that stops it (after a last fold). */
export function startStorageUsageFolder(db: Db, intervalMs = 1000, log: (line: string) => void = () => {}) {
  let running = Promise.resolve();
  const tick = () => {
    running = running.then(() => foldStorageUsage(db)).catch((error) => log(`storage usage fold failed: ${String(error)}`));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    tick();
    await running;
  };
}
