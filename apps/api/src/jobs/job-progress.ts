import type { Prisma } from '@schoolmail/prisma';
import type { Database } from '../database/database.js';

export interface JobCounts {
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
}

/** One line of a job's report: a row that failed or was skipped, and why. */
export interface ReportRow {
  /** 1-based row (line of data) in the source, or another position the kind documents. */
  row: number;
  /** What the row was about (an address, a file name), when known. */
  key?: string | null;
  status: 'error' | 'skipped';
  field?: string;
  reason: string;
}

export interface JobReport {
  rows: ReportRow[];
  /** Rows beyond MAX_REPORT_ROWS are counted, not listed: the report stays small. */
  omitted: number;
  summary?: unknown;
}

const MAX_REPORT_ROWS = 10_000;
export const PROGRESS_SAVE_INTERVAL_MS = 250;

/**
 * A running job's counters, checkpoint and report, saved together (so a resumed run never
 * counts a row twice) at most every 250 ms. A save that finds the job no longer running
 * (cancelled, or taken over after a stall) calls `onLost`.
 */
export class JobProgress {
  total: number | null;
  readonly counts: JobCounts;
  checkpoint: unknown;
  readonly report: JobReport;
  private dirty = false;
  private lastSaveAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: Database,
    private readonly jobId: string,
    row: { total: number | null; processed: number; succeeded: number; failed: number; skipped: number; checkpoint: unknown; report: unknown },
    private readonly onLost: () => void,
  ) {
    this.total = row.total;
    this.counts = { processed: row.processed, succeeded: row.succeeded, failed: row.failed, skipped: row.skipped };
    this.checkpoint = row.checkpoint ?? null;
    const stored = row.report as Partial<JobReport> | null;
    this.report = { rows: stored?.rows ?? [], omitted: stored?.omitted ?? 0 };
  }

  setTotal(total: number) {
    this.total = total;
    this.touch();
  }

  advance(delta: Partial<JobCounts>, checkpoint?: unknown) {
    for (const key of ['processed', 'succeeded', 'failed', 'skipped'] as const) this.counts[key] += delta[key] ?? 0;
    if (checkpoint !== undefined) this.checkpoint = checkpoint;
    this.touch();
  }

  reportRow(entry: ReportRow) {
    if (this.report.rows.length < MAX_REPORT_ROWS) this.report.rows.push(entry);
    else this.report.omitted += 1;
    this.touch();
  }

  /** Saves now, after any save under way. */
  save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.saving = this.saving.then(() => this.write('running'));
    return this.saving;
  }

  /** The last save, whatever the job's state (used when it ends, including cancelled). */
  async saveFinal(extra: Prisma.JobUpdateManyMutationInput, whenStatus: 'running' | 'cancelled') {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.saving;
    await this.prisma.job.updateMany({ where: { id: this.jobId, status: whenStatus }, data: { ...this.columns(), ...extra } });
  }

  private touch() {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, PROGRESS_SAVE_INTERVAL_MS - (Date.now() - this.lastSaveAt));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.saving = this.saving.then(() => this.write('running'));
    }, wait);
    this.timer.unref();
  }

  private columns(): Prisma.JobUpdateManyMutationInput {
    return { ...this.counts, total: this.total, checkpoint: (this.checkpoint ?? undefined) as never, report: this.report as never, heartbeatAt: new Date() };
  }

  private async write(status: 'running') {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastSaveAt = Date.now();
    try {
      const result = await this.prisma.job.updateMany({ where: { id: this.jobId, status }, data: this.columns() });
      if (result.count === 0) this.onLost();
    } catch {
      // A failed save is retried by the next one; the job goes on.
      this.dirty = true;
    }
  }
}
