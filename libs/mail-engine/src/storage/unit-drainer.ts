/**
 * Empties the storage units an operator set `draining`: moves their blobs, a small batch at a
 * time, to the unit the catalog would choose for the domains whose mail holds them
 * (drain-targets.ts), until the unit holds nothing and can be retired. Every engine process
 * runs one; several together are safe (each batch claims its rows with SKIP LOCKED).
 *
 * One batch is one transaction:
 *  1. claim up to `batchSize` referenced, intact blobs of the unit, in id order, FOR UPDATE
 *     SKIP LOCKED: another drainer skips them, and a delivery of the same content or the
 *     deletion of a reference waits for the batch (milliseconds); unreferenced blobs are the
 *     sweeper's, corrupt ones stay where the read path isolated them;
 *  2. read each file and verify its hash; a bad one is skipped, and once the batch has
 *     committed it is read through `FileBlobStore.read`, which isolates and reports it
 *     exactly as for any reader (it then stays on the unit, marked corrupt);
 *  3. write each good one to its target with the store's durable writer (file and directory
 *     fsynced); the row still names the draining unit;
 *  4. point the rows at their targets and move the usage (StorageUsageDelta: minus on the
 *     draining unit, plus on each target), then commit;
 *  5. only then delete the old files.
 *
 * So a committed row always names a unit whose file exists: before the commit, the old unit's
 * (untouched); from the commit on, the target's (durable before it). A failure seen before the
 * commit deletes the copies the batch made, while it still holds the rows. A crash before the
 * commit leaves an unreferenced copy on the target, which the next attempt there replaces. A
 * crash after the commit leaves the old file on the draining unit; once the unit holds no
 * blob, the drainer deletes the files there whose blob lives, intact, on another unit.
 * No trash/ step is needed: the sweeper renames before its commit so that it can put files
 * back; the drainer removes nothing before its commit.
 *
 * Readers resolve the unit from the row at every read (no unit or directory of a blob is
 * cached). One that read the row just before the commit and finds the old file gone a moment
 * later takes the read path's second look under the row lock (FileBlobStore.isolate), which
 * sees the new unit and reads the copy there.
 */
import { unlink } from 'node:fs/promises';
import type { Db, Tx } from '../contracts.js';
import { blobPath } from './blob-paths.js';
import { chooseTarget, holdersByDomain } from './drain-targets.js';
import { isMissingFile } from './durable-files.js';
import { BlobCorruptError, NoStorageAvailableError, StorageUnitUnavailableError } from './errors.js';
import type { FileBlobStore } from './file-blob-store.js';
import { oldBlobFiles } from './orphan-files.js';

/** The StorageProblem kind of a draining unit whose blobs have no unit to go to. */
export const DRAIN_BLOCKED = 'drain-blocked';

export interface DrainOptions {
  /** Blobs claimed per batch (default 25). */
  batchSize?: number;
  /** Bytes copied per batch at most; a larger blob goes alone (default 8 MiB). */
  maxBatchBytes?: number;
  /** Pause between two batches, so draining leaves the disks to the mail (default 200 ms). */
  pauseMs?: number;
  /** How often units are looked at when there is nothing to move (default 30 s). */
  intervalMs?: number;
  /** Progress is logged at most this often per unit (default 10 s). */
  progressEveryMs?: number;
  /** Files left on an emptied unit by a crash are removed when older than this (default 600 s). */
  leftoverGraceSeconds?: number;
  /** Longest a batch's transaction may run (default 120 s). */
  transactionTimeoutMs?: number;
  log?: (line: string) => void;
  /** Test seams: called inside the batch's transaction before it commits, and after the commit before the old files go. */
  hooks?: {
    beforeCommit?: (movedBlobIds: bigint[]) => Promise<void> | void;
    afterCommit?: (movedBlobIds: bigint[]) => Promise<void> | void;
  };
}

/** What one pass did on one draining unit. */
export interface DrainReport {
  unitId: number;
  unit: string;
  /** Blobs moved by this drainer in this pass, and which. */
  moved: number;
  movedBlobIds: bigint[];
  /** Bad files found (isolated and reported by the read path, left on the unit). */
  corrupt: number;
  /** Blobs no unit could take (full, read-only or draining everywhere they may go). */
  blocked: number;
  /** Referenced, intact blobs still on the unit after the pass. */
  remaining: number;
  /** The unit holds no blob at all. */
  empty: boolean;
}

interface DrainingUnit {
  id: number;
  name: string;
  directory: string;
}

interface Claimed {
  id: bigint;
  sha256: string;
  size: number;
  refCount: number;
}

interface BatchOutcome {
  claimed: number;
  lastId: bigint;
  moved: Claimed[];
  bad: bigint[];
  blocked: number;
  blockedReason: string | null;
}

interface UnitCounts {
  /** Referenced and intact: what is left to move. */
  movable: number;
  /** Referenced, whatever their state (corrupt ones stay). */
  referenced: number;
  corrupt: number;
  unreferenced: number;
  total: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

export class UnitDrainer {
  private readonly options: Required<Omit<DrainOptions, 'hooks' | 'log'>>;
  private readonly log: (line: string) => void;
  /** Per unit: the referenced blobs it held when this process first saw it draining. */
  private readonly progress = new Map<number, { total: number; loggedAt: number }>();
  /** Per unit: the last end-of-pass state logged, so an idle unit is not logged every interval. */
  private readonly said = new Map<number, string>();
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: FileBlobStore,
    private readonly drainOptions: DrainOptions = {},
  ) {
    this.options = {
      batchSize: drainOptions.batchSize ?? 25,
      maxBatchBytes: drainOptions.maxBatchBytes ?? 8 * 1024 * 1024,
      pauseMs: drainOptions.pauseMs ?? 200,
      intervalMs: drainOptions.intervalMs ?? 30_000,
      progressEveryMs: drainOptions.progressEveryMs ?? 10_000,
      leftoverGraceSeconds: drainOptions.leftoverGraceSeconds ?? 600,
      transactionTimeoutMs: drainOptions.transactionTimeoutMs ?? 120_000,
    };
    this.log = drainOptions.log ?? ((line) => console.error(line));
  }

  /** Moves what can be moved now off every draining unit; answers what it did per unit. */
  async runOnce(): Promise<DrainReport[]> {
    const units = await this.db.storageUnit.findMany({ where: { state: 'draining' }, select: { id: true, name: true, directory: true }, orderBy: { id: 'asc' } });
    for (const known of [this.progress, this.said]) for (const id of known.keys()) if (!units.some((unit) => unit.id === id)) known.delete(id);
    const reports: DrainReport[] = [];
    for (const unit of units) {
      if (this.stopping) break;
      reports.push(await this.drainUnit(unit));
    }
    return reports;
  }

  /** Ends the current pass after its batch (a pause is cut short). */
  stop() {
    this.stopping = true;
    this.wake?.();
  }

  private async drainUnit(unit: DrainingUnit): Promise<DrainReport> {
    const report: DrainReport = { unitId: unit.id, unit: unit.name, moved: 0, movedBlobIds: [], corrupt: 0, blocked: 0, remaining: 0, empty: false };
    if (!this.progress.has(unit.id)) {
      const { movable, referenced } = await this.counts(unit.id);
      this.progress.set(unit.id, { total: referenced, loggedAt: Date.now() });
      if (movable > 0) this.log(`storage: draining ${unit.name}: ${plural(movable, 'blob')} to move`);
    }
    let after = 0n;
    let blockedReason: string | null = null;
    while (!this.stopping) {
      const batch = await this.moveBatch(unit, after);
      if (batch.claimed === 0) break;
      after = batch.lastId;
      report.moved += batch.moved.length;
      report.movedBlobIds.push(...batch.moved.map((blob) => blob.id));
      report.blocked += batch.blocked;
      blockedReason ??= batch.blockedReason;
      for (const blobId of batch.bad) {
        const outcome = await this.isolate(unit, blobId);
        if (outcome === 'unavailable') return { ...report, remaining: (await this.counts(unit.id)).movable };
        if (outcome === 'corrupt') report.corrupt++;
      }
      if (batch.moved.length === 0) continue; // nothing copied: no disk to leave alone
      if (Date.now() - this.progress.get(unit.id)!.loggedAt >= this.options.progressEveryMs) await this.logProgress(unit);
      await this.pause(this.options.pauseMs);
    }
    const counts = await this.counts(unit.id);
    report.remaining = counts.movable;
    report.empty = counts.total === 0;
    if (report.moved > 0) await this.logProgress(unit, counts);
    if (report.blocked > 0) await this.reportBlocked(unit, report.blocked, blockedReason!);
    else await this.unblocked(unit);
    await this.sayState(unit, counts);
    return report;
  }

  private async moveBatch(unit: DrainingUnit, after: bigint): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { claimed: 0, lastId: after, moved: [], bad: [], blocked: 0, blockedReason: null };
    await this.db.$transaction(
      async (tx) => {
        const [current] = await tx.$queryRaw<Array<{ state: string }>>`SELECT "state"::text AS "state" FROM "StorageUnit" WHERE "id" = ${unit.id}`;
        if (current?.state !== 'draining') return;
        const claimed = await tx.$queryRaw<Claimed[]>`
          SELECT "id", "sha256", "size", "refCount" FROM "MessageBlob"
          WHERE "storageUnitId" = ${unit.id} AND "refCount" > 0 AND "state" = 'ok' AND "id" > ${after}
          ORDER BY "id"
          LIMIT ${this.options.batchSize}
          FOR UPDATE SKIP LOCKED`;
        outcome.claimed = claimed.length;
        if (claimed.length === 0) return;
        const holders = await holdersByDomain(tx, claimed);
        const plans: Array<{ blob: Claimed; targetId: number; targetDirectory: string; bytes: Buffer }> = [];
        let bytesInBatch = 0;
        for (const blob of claimed) {
          // The rows past the byte limit stay claimed until the commit, and are taken next time.
          if (plans.length > 0 && bytesInBatch + blob.size > this.options.maxBatchBytes) break;
          outcome.lastId = blob.id;
          // The target first: a blob with nowhere to go is not read at every pass.
          let target;
          try {
            target = await chooseTarget(this.store.units, holders.get(blob.id), blob.size, tx);
          } catch (error) {
            if (!(error instanceof NoStorageAvailableError)) throw error;
            outcome.blocked++;
            outcome.blockedReason ??= error.detail;
            continue;
          }
          if (target.id === unit.id) continue; // made active again meanwhile: it stays
          const bytes = await this.store.readVerified(blobPath(unit.directory, blob.sha256), blob.sha256);
          if (!bytes) {
            outcome.bad.push(blob.id);
            continue;
          }
          this.store.units.noteWritten(target.id, blob.size);
          plans.push({ blob, targetId: target.id, targetDirectory: target.directory, bytes });
          bytesInBatch += blob.size;
        }
        if (plans.length === 0) return;
        const copies = plans.map((plan) => blobPath(plan.targetDirectory, plan.blob.sha256));
        try {
          await settled(plans.map((plan) => this.store.writeBlobFile(plan.targetDirectory, plan.blob.sha256, plan.bytes)));
          const moved = await this.repoint(tx, unit.id, plans);
          outcome.moved = plans.filter((plan) => moved.has(plan.blob.id)).map((plan) => plan.blob);
          // (The rows are locked: the update takes them all. Were one left, its copy would merely be unreferenced.)
          await this.drainOptions.hooks?.beforeCommit?.(outcome.moved.map((blob) => blob.id));
        } catch (error) {
          // The rows still name the draining unit: the copies are nobody's.
          await removeFiles(copies).catch(() => {});
          throw error;
        }
      },
      { timeout: this.options.transactionTimeoutMs, maxWait: 10_000 },
    );
    if (outcome.moved.length > 0) {
      await this.drainOptions.hooks?.afterCommit?.(outcome.moved.map((blob) => blob.id));
      // Moved all the same: a file that stays is removed once the unit is empty (removeLeftovers).
      await removeFiles(outcome.moved.map((blob) => blobPath(unit.directory, blob.sha256))).catch((error: unknown) =>
        this.log(`storage: draining ${unit.name}: old files not removed yet: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    return outcome;
  }

  /** Points the rows at their targets and moves the usage; answers the ids it moved. */
  private async repoint(tx: Tx, unitId: number, plans: Array<{ blob: Claimed; targetId: number }>): Promise<Set<bigint>> {
    const rows = await tx.$queryRaw<Array<{ id: bigint; size: number; storageUnitId: number }>>`
      UPDATE "MessageBlob" b SET "storageUnitId" = m."target"
      FROM unnest(${plans.map((plan) => plan.blob.id)}::bigint[], ${plans.map((plan) => plan.targetId)}::int[]) AS m("id", "target")
      WHERE b."id" = m."id" AND b."storageUnitId" = ${unitId} AND b."refCount" > 0 AND b."state" = 'ok'
      RETURNING b."id", b."size", b."storageUnitId"`;
    const bytesPerUnit = new Map<number, bigint>();
    const add = (id: number, bytes: bigint) => bytesPerUnit.set(id, (bytesPerUnit.get(id) ?? 0n) + bytes);
    for (const row of rows) {
      add(unitId, -BigInt(row.size));
      add(row.storageUnitId, BigInt(row.size));
    }
    if (rows.length > 0) {
      const entries = [...bytesPerUnit].sort(([a], [b]) => a - b);
      await tx.$executeRaw`
        INSERT INTO "StorageUsageDelta" ("storageUnitId", "bytes")
        SELECT * FROM unnest(${entries.map(([id]) => id)}::int[], ${entries.map(([, bytes]) => bytes.toString())}::bigint[])`;
    }
    return new Set(rows.map((row) => row.id));
  }

  /** Reads a bad blob through the read path, which isolates and reports it (or finds it healed). */
  private async isolate(unit: DrainingUnit, blobId: bigint): Promise<'corrupt' | 'unavailable' | 'readable'> {
    try {
      await this.store.read(blobId);
      return 'readable';
    } catch (error) {
      if (error instanceof BlobCorruptError) return 'corrupt';
      if (error instanceof StorageUnitUnavailableError) {
        this.log(`storage: draining ${unit.name}: ${error.message}; retrying later`);
        return 'unavailable';
      }
      throw error;
    }
  }

  private async counts(unitId: number): Promise<UnitCounts> {
    const [row] = await this.db.$queryRaw<UnitCounts[]>`
      SELECT count(*) FILTER (WHERE "refCount" > 0 AND "state" = 'ok')::int AS "movable",
             count(*) FILTER (WHERE "refCount" > 0)::int AS "referenced",
             count(*) FILTER (WHERE "state" = 'corrupt')::int AS "corrupt",
             count(*) FILTER (WHERE "refCount" = 0 AND "state" = 'ok')::int AS "unreferenced",
             count(*)::int AS "total"
      FROM "MessageBlob" WHERE "storageUnitId" = ${unitId}`;
    return row!;
  }

  /** "1,200 of 45,000 blobs moved": of the referenced blobs first seen there, those no longer there. */
  private async logProgress(unit: DrainingUnit, counts?: UnitCounts) {
    const progress = this.progress.get(unit.id)!;
    const left = (counts ?? (await this.counts(unit.id))).referenced;
    // References added to blobs still there (the same content delivered again) raise the total.
    progress.total = Math.max(progress.total, left);
    progress.loggedAt = Date.now();
    this.log(`storage: draining ${unit.name}: ${count(progress.total - left)} of ${plural(progress.total, 'blob')} moved`);
  }

  /** Logged once per pass (so once per interval while it lasts) and recorded once as a problem until it clears. */
  private async reportBlocked(unit: DrainingUnit, blocked: number, reason: string) {
    const detail = `${plural(blocked, 'blob')} cannot leave draining unit ${unit.name}: ${reason}`;
    this.log(`storage: draining ${unit.name}: ${plural(blocked, 'blob')} have nowhere to go (${reason}); retrying in ${Math.round(this.options.intervalMs / 1000)} s`);
    await this.db.$executeRaw`
      INSERT INTO "StorageProblem" ("storageUnitId", "kind", "detail")
      SELECT ${unit.id}, ${DRAIN_BLOCKED}, ${detail}
      WHERE NOT EXISTS (SELECT 1 FROM "StorageProblem" WHERE "storageUnitId" = ${unit.id} AND "kind" = ${DRAIN_BLOCKED} AND "resolvedAt" IS NULL)`;
  }

  /** A pass with nothing blocked closes the unit's open drain-blocked problem. */
  private async unblocked(unit: DrainingUnit) {
    const { count: closed } = await this.db.storageProblem.updateMany({
      where: { storageUnitId: unit.id, kind: DRAIN_BLOCKED, resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    if (closed > 0) this.log(`storage: draining ${unit.name}: its blobs have somewhere to go again`);
  }

  /** Says how a pass left the unit, once per state: empty, or what keeps it from being so. */
  private async sayState(unit: DrainingUnit, counts: UnitCounts) {
    if (counts.total === 0) {
      const key = 'empty';
      if (this.said.get(unit.id) === key) return;
      const removed = await this.removeLeftovers(unit);
      this.said.set(unit.id, key);
      const leftovers = removed ? ` (${plural(removed, 'file')} left by an interrupted move removed)` : '';
      this.log(`storage: draining ${unit.name}: empty${leftovers}; it holds no message and can be retired`);
      return;
    }
    if (counts.movable > 0) {
      this.said.delete(unit.id);
      return;
    }
    const stays = [
      counts.corrupt ? `${plural(counts.corrupt, 'corrupt blob')} left on it (see its problems)` : '',
      counts.unreferenced ? `${plural(counts.unreferenced, 'unreferenced blob')} left for the sweeper` : '',
    ].filter(Boolean);
    const state = `done:${counts.corrupt}:${counts.unreferenced}`;
    if (this.said.get(unit.id) === state) return;
    this.said.set(unit.id, state);
    this.log(`storage: draining ${unit.name}: every movable blob moved; ${stays.join(', ')}`);
  }

  /**
   * Deletes the files an emptied unit still holds for blobs that live, intact, on another
   * unit: a crash came between a move's commit and the deletion of the old file. A file with
   * no row is left to the orphan audit (orphan-files.ts); a young one may be a delivery's.
   */
  private async removeLeftovers(unit: DrainingUnit): Promise<number> {
    let removed = 0;
    for await (const files of oldBlobFiles(unit.directory, Date.now() - this.options.leftoverGraceSeconds * 1000)) {
      const rows = await this.db.messageBlob.findMany({ where: { sha256: { in: files.map((file) => file.sha256) } }, select: { sha256: true, storageUnitId: true, state: true } });
      const elsewhere = rows.filter((row) => row.storageUnitId !== unit.id && row.state === 'ok');
      await removeFiles(elsewhere.map((row) => blobPath(unit.directory, row.sha256)));
      removed += elsewhere.length;
    }
    return removed;
  }

  private pause(ms: number) {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = null;
    });
  }
}

/** Waits for every promise; then rejects with the first failure, if any. */
async function settled(promises: Array<Promise<unknown>>) {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function removeFiles(paths: string[]) {
  await Promise.all(
    paths.map((path) =>
      unlink(path).catch((error: unknown) => {
        if (!isMissingFile(error)) throw error;
      }),
    ),
  );
}

/**
 * Runs a drainer in the background: a pass right after a move (there may be more), else
 * every `intervalMs`. Answers a function that stops it (after the batch under way).
 */
export function startUnitDrainer(db: Db, store: FileBlobStore, options: DrainOptions = {}) {
  const log = options.log ?? ((line: string) => console.error(line));
  const drainer = new UnitDrainer(db, store, { ...options, log });
  const intervalMs = options.intervalMs ?? 30_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (delayMs: number) => {
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };
  const tick = () => {
    running = drainer
      .runOnce()
      .then(
        (reports) => (reports.some((report) => report.moved > 0) ? (options.pauseMs ?? 200) : intervalMs),
        (error: unknown) => {
          log(`storage drainer: ${error instanceof Error ? error.message : String(error)}`);
          return intervalMs;
        },
      )
      .then((delayMs) => {
        if (!stopped) schedule(delayMs);
      });
  };
  schedule(Math.min(intervalMs, 5000));
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    drainer.stop();
    await running;
  };
}
