/** GET /api/v1/jobs/{id} */
export interface JobView {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  domain: string | null;
  dryRun: boolean;
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  percent: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** GET /api/v1/jobs/{id}/report */
export interface JobReport {
  job: JobView;
  rows: Array<{ row: number; key?: string | null; status: 'error' | 'skipped'; field?: string; reason: string }>;
  omitted: number;
}

export const isFinished = (job: JobView) => job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
