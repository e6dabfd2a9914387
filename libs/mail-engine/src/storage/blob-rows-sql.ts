/**
 * The SQL that records written blob files as MessageBlob rows, shared by `FileBlobStore.record`
 * and the one-statement acceptance of a batch of SMTP messages (smtp/local-commit.ts), which
 * puts its deliveries after it. The upsert locks each row until the transaction ends, so the
 * sweeper (FOR UPDATE SKIP LOCKED) cannot free it meanwhile. An unreferenced row being claimed
 * again gets a fresh createdAt: the sweeper's grace period then covers it as it covers a new
 * row. New rows add their size to their unit's usage as insert-only deltas (see usage.ts).
 * Rows are taken in hash order, so concurrent batches lock them in the same order (no deadlock).
 */

/**
 * CTEs (no leading WITH) over the placeholders of the hashes (text[], distinct), sizes (int[])
 * and storage unit ids (int[]); `upserted` holds "id", "sha256", "storageUnitId", "state" and
 * "inserted" (the row is new) of each.
 */
export function blobRowCtes(sha256s: string, sizes: string, storageUnitIds: string): string {
  return `
    blob_input AS (
      SELECT * FROM unnest(${sha256s}::text[], ${sizes}::int[], ${storageUnitIds}::int[]) AS t("sha256", "size", "storageUnitId")
    ), upserted AS (
      INSERT INTO "MessageBlob" ("sha256", "size", "storageUnitId", "createdAt")
      SELECT "sha256", "size", "storageUnitId", LOCALTIMESTAMP FROM blob_input ORDER BY "sha256"
      ON CONFLICT ("sha256") DO UPDATE SET "createdAt" =
        CASE WHEN "MessageBlob"."refCount" = 0 THEN LOCALTIMESTAMP ELSE "MessageBlob"."createdAt" END
      RETURNING "id", "sha256", "storageUnitId", "state"::text AS "state", (xmax = 0) AS "inserted"
    ), usage AS (
      INSERT INTO "StorageUsageDelta" ("storageUnitId", "bytes")
      SELECT u."storageUnitId", sum(i."size") FROM upserted u JOIN blob_input i USING ("sha256") WHERE u."inserted" GROUP BY u."storageUnitId"
      RETURNING 1
    )`;
}

/** The three parameters of `blobRowCtes` for these files, each content once, in hash order. */
export function blobRowParams<W extends { sha256: string; size: number; storageUnitId: number }>(written: readonly W[]) {
  const bySha = new Map<string, W>();
  for (const w of written) if (!bySha.has(w.sha256)) bySha.set(w.sha256, w);
  const unique = [...bySha.values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  return { unique, params: [unique.map((w) => w.sha256), unique.map((w) => w.size), unique.map((w) => w.storageUnitId)] as const };
}
