import type { QuarantineEntry } from './types';

/** "released by jdoe on 3 Nov 2026, 10:04" / "waiting for review". */
export function decisionText(entry: QuarantineEntry): string {
  if (entry.state === 'pending') return 'waiting for review';
  const when = entry.decidedAt ? ` on ${new Date(entry.decidedAt).toLocaleString()}` : '';
  return `${entry.state} by ${entry.decidedBy ?? 'unknown'}${when}`;
}
