import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, choice, group, leaf, paged } from '../define.js';
import type { Environment, Invocation } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['ID', (j) => j.id],
  ['KIND', (j) => j.kind],
  ['STATUS', (j) => j.status],
  ['PERCENT', (j) => j.percent],
  ['OK', (j) => j.succeeded],
  ['FAILED', (j) => j.failed],
  ['SKIPPED', (j) => j.skipped],
  ['CREATED', (j) => j.createdAt],
];

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
const BAR_WIDTH = 30;

function progressLine(job: any): string {
  const percent = job.percent ?? 0;
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  const counts = `${job.processed}${job.total ? `/${job.total}` : ''} (ok ${job.succeeded}, failed ${job.failed}, skipped ${job.skipped})`;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${counts} ${job.status}`;
}

/**
 * Follows a job until it ends: a progress bar redrawn in place on a terminal (on stderr, so
 * stdout keeps only the result), one line per change otherwise. Exits non-zero when the job failed.
 */
export async function watchJob(run: Invocation, id: string, intervalMs = 500): Promise<any> {
  const terminal = process.stderr.isTTY === true && !run.environment.batch;
  let last = '';
  for (;;) {
    const job = await run.api.get(path`/jobs/${id}`);
    const line = progressLine(job);
    if (!run.json && line !== last) run.environment.stderr(terminal ? `\r${line}` : `${line}\n`);
    last = line;
    if (FINISHED.has(job.status)) {
      if (terminal && !run.json) run.environment.stderr('\n');
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function registerJob(program: Command, environment: Environment) {
  const job = group(program, 'job', 'Background jobs (imports) with their progress and reports', 'schoolmail job list');

  paged(leaf(job, 'list', 'List jobs', 'schoolmail job list --status running'))
    .addOption(choice('--status <status>', 'only jobs in this state', ['queued', 'running', 'succeeded', 'failed', 'cancelled']))
    .option('--kind <kind>', 'only jobs of this kind')
    .action(act(environment, async (run, options: { status?: string; kind?: string }) => run.list('/jobs', { status: options.status, kind: options.kind }, options, columns)));

  leaf(job, 'show <id>', 'One job with its progress', 'schoolmail job show 0193c0de-...').action(
    act(environment, async (run, id: string) => {
      const found = await run.api.get(path`/jobs/${id}`);
      run.show(found, () => `${record(found, ['params', 'checkpoint'])}\n${progressLine(found)}`);
    }),
  );

  leaf(job, 'watch <id>', 'Show a progress bar until the job ends', 'schoolmail job watch 0193c0de-...').action(
    act(environment, async (run, id: string) => {
      const finished = await watchJob(run, id);
      const summary = `job ${finished.id} ${finished.status}: ${finished.succeeded} ok, ${finished.failed} failed, ${finished.skipped} skipped`;
      if (finished.status === 'failed') throw new CliError(EXIT.server, `${summary}${finished.error ? `: ${finished.error}` : ''}`);
      run.show(finished, () => summary);
    }),
  );

  leaf(job, 'report <id>', 'The per-row report (--csv for the error report as CSV)', 'schoolmail job report 0193c0de-... --csv > errors.csv')
    .option('--csv', 'the error report as CSV')
    .action(
      act(environment, async (run, id: string, options: { csv?: boolean }) => {
        if (options.csv) {
          run.print(await run.api.get<string>(path`/jobs/${id}/report.csv`));
          return;
        }
        const report = await run.api.get(path`/jobs/${id}/report`);
        run.print(JSON.stringify(report, null, 2));
      }),
    );

  leaf(job, 'cancel <id>', 'Stop a queued or running job', 'schoolmail job cancel 0193c0de-...').action(
    act(environment, async (run, id: string) => {
      const cancelled = await run.api.post(path`/jobs/${id}/cancel`, {});
      run.show(cancelled, () => `job ${cancelled.id} ${cancelled.status}`);
    }),
  );
}
