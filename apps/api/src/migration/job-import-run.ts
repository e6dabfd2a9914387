/** Runs an importer inside a job: its outcomes become the job's counters, report rows and summary. */
import type { ImportRun, ReportItem } from '@schoolmail/mail-engine';
import type { JobContext } from '../jobs/job-runner.js';

/** What a dry run would create is listed in the job's summary, up to this many lines. */
const MAX_SUMMARY_ITEMS = 1_000;

export function importRunOf<Checkpoint>(ctx: JobContext): ImportRun<Checkpoint> & { summary(): unknown } {
  const created: ReportItem[] = [];
  return {
    dryRun: ctx.job.dryRun,
    checkpoint: (ctx.checkpoint as Checkpoint | null) ?? null,
    signal: ctx.signal,
    setTotal: (total) => ctx.setTotal(total),
    onItem(item) {
      const count = item.count ?? 1;
      const outcome = item.action === 'skip' ? 'skipped' : item.action === 'error' ? 'failed' : 'succeeded';
      ctx.advance({ processed: count, [outcome]: count });
      if (outcome === 'succeeded') {
        if (item.reason !== undefined && created.length < MAX_SUMMARY_ITEMS) created.push(item);
        return;
      }
      ctx.reportRow({ row: item.line ?? 0, key: item.item, status: outcome === 'skipped' ? 'skipped' : 'error', reason: item.reason ?? '' });
    },
    // Counters and checkpoint are saved together by the runner, so a resumed run never counts an item twice.
    onCheckpoint: (checkpoint) => ctx.advance({}, checkpoint),
    summary: () => ({ [ctx.job.dryRun ? 'wouldCreate' : 'created']: created }),
  };
}
