/**
 * What every importer receives from whoever runs it (the API's job runner, a test, a
 * benchmark): where an earlier, interrupted run stopped, a place to report each outcome and
 * each new checkpoint, and a signal to stop between two units of work. Importers never decide
 * how progress is shown or stored.
 */

/** The outcome of one item (or of `count` alike items, e.g. the messages of a folder). */
export interface ReportItem {
  /** An address, a folder, a file name. */
  item: string;
  action: 'create' | 'created' | 'skip' | 'error';
  /** Line of the source file, when the item has one. */
  line?: number;
  reason?: string;
  /** How many items this line stands for (1 when absent). */
  count?: number;
}

export interface ImportRun<Checkpoint> {
  dryRun: boolean;
  /** Where an earlier run stopped; null on a first run. */
  checkpoint: Checkpoint | null;
  setTotal(total: number): void;
  onItem(item: ReportItem): void;
  /** Called after a unit of work committed; the runner persists it with the counts so far. */
  onCheckpoint(checkpoint: Checkpoint): Promise<void> | void;
  signal?: AbortSignal;
}

export interface ImportCounts {
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
}

/** Reports keep at most this many lines, so a 100,000-line import stays readable. */
export const MAX_REPORT_ITEMS = 5_000;

/** An ImportRun that collects everything in memory: for synchronous callers, tests and benchmarks. */
export class ImportReport<Checkpoint = unknown> implements ImportRun<Checkpoint> {
  readonly counts: ImportCounts = { total: null, processed: 0, succeeded: 0, failed: 0, skipped: 0 };
  readonly items: ReportItem[] = [];
  private omitted = 0;
  lastCheckpoint: Checkpoint | null;

  constructor(
    readonly dryRun: boolean,
    readonly checkpoint: Checkpoint | null = null,
    readonly signal?: AbortSignal,
  ) {
    this.lastCheckpoint = checkpoint;
  }

  setTotal(total: number) {
    this.counts.total = total;
  }

  onItem(item: ReportItem) {
    const count = item.count ?? 1;
    if (item.action === 'create' || item.action === 'created') this.counts.succeeded += count;
    else if (item.action === 'skip') this.counts.skipped += count;
    else this.counts.failed += count;
    this.counts.processed += count;
    // One line per imported message would say nothing: those are counted only.
    if (item.action === 'created' && item.reason === undefined) return;
    if (this.items.length < MAX_REPORT_ITEMS) this.items.push(item);
    else this.omitted++;
  }

  onCheckpoint(checkpoint: Checkpoint) {
    this.lastCheckpoint = checkpoint;
  }

  toJSON() {
    return { dryRun: this.dryRun, ...this.counts, items: this.items, ...(this.omitted > 0 ? { itemsOmitted: this.omitted } : {}) };
  }
}

/** Stops an importer between two units of work once its runner asked it to. */
export class ImportInterrupted extends Error {
  constructor() {
    super('the import was interrupted; run it again to resume');
    this.name = 'ImportInterrupted';
  }
}

export function throwIfInterrupted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new ImportInterrupted();
}
