import type { ReportRow } from './job-progress.js';

/**
 * One cell: quoted when needed, and a leading = + - @ neutralised so a spreadsheet opens
 * the report as text rather than running an uploaded value as a formula.
 */
function cell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The downloadable error report: one line per failed or skipped row. */
export function reportCsv(rows: ReportRow[], omitted: number): string {
  const lines = ['row,key,status,field,reason', ...rows.map((r) => [r.row, r.key, r.status, r.field, r.reason].map(cell).join(','))];
  if (omitted > 0) lines.push([cell(''), cell(''), cell('omitted'), cell(''), cell(`${omitted} more rows not listed`)].join(','));
  return lines.join('\r\n') + '\r\n';
}
