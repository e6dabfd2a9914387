/**
 * The CSV format of the account import, shown to people on the console's import page and
 * in the template: one mailbox per line, a header line naming the columns (any order,
 * case-insensitive).
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../common/errors.js';

export const IMPORT_COLUMNS = [
  { name: 'address', required: true, help: 'full e-mail address, e.g. jane.doe@district1.k12.us' },
  { name: 'password', required: false, help: 'initial password, at least 10 characters, following the password policy (GET /api/v1/password-policy), or give passwordHash' },
  { name: 'passwordHash', required: false, help: 'a scheme-tagged hash instead of a password, e.g. {SHA512-CRYPT}$6$...' },
  { name: 'displayName', required: false, help: 'the name shown to correspondents' },
  { name: 'classOfService', required: false, help: "a class of service name; empty: the domain's" },
  { name: 'quotaMb', required: false, help: 'mailbox quota in MB, checked against the class of service (quotas come from classes of service)' },
  { name: 'status', required: false, help: 'active (default), suspended or locked' },
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['name'];

export const MAX_IMPORT_ROWS = 50_000;

/** One data line: its spreadsheet row number (the header is row 1) and its non-empty cells. */
export interface ImportRow {
  row: number;
  cells: Partial<Record<ImportColumn, string>>;
}

const TEMPLATE_EXAMPLES: Array<Partial<Record<ImportColumn, string>>> = [
  { address: 'jane.doe@district1.k12.us', password: 'Change-me-2024', displayName: 'Jane Doe', status: 'active' },
  { address: 'john.smith@district1.k12.us', password: 'Another-start-9', displayName: 'John Smith', classOfService: 'students', quotaMb: '500' },
];

/** The downloadable template: the header and two example lines. */
export const IMPORT_TEMPLATE = [IMPORT_COLUMNS.map((c) => c.name), ...TEMPLATE_EXAMPLES.map((example) => IMPORT_COLUMNS.map((c) => example[c.name] ?? ''))]
  .map((line) => line.join(','))
  .join('\r\n') + '\r\n';

const byLowerName = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [c.name.toLowerCase(), c.name]));

/** Parses the whole file; a malformed file or header answers 400 with the line at fault. */
export function parseImportCsv(text: string): ImportRow[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw AppError.invalid('csv', `is not valid CSV: ${(error as Error).message}`);
  }
  const [header, ...lines] = records;
  if (!header) throw AppError.invalid('csv', `is empty; the first line names the columns: ${IMPORT_COLUMNS.map((c) => c.name).join(',')}`);
  const columns = header.map((raw) => {
    const name = byLowerName.get(raw.trim().toLowerCase());
    if (!name) throw AppError.invalid('csv', `unknown column "${raw}" in the header; the columns are ${IMPORT_COLUMNS.map((c) => c.name).join(', ')}`);
    return name;
  });
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index);
  if (duplicate) throw AppError.invalid('csv', `column "${duplicate}" appears twice in the header`);
  if (!columns.includes('address')) throw AppError.invalid('csv', 'the header has no "address" column');
  if (lines.length === 0) throw AppError.invalid('csv', 'has a header but no accounts');
  if (lines.length > MAX_IMPORT_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `csv: has ${lines.length} accounts; at most ${MAX_IMPORT_ROWS} per import`);
  return lines.map((values, index) => {
    const cells: ImportRow['cells'] = {};
    columns.forEach((name, i) => {
      // Passwords keep their spaces; every other cell is trimmed.
      const value = name === 'password' ? values[i] : values[i]?.trim();
      if (value !== undefined && value !== '') cells[name] = value;
    });
    return { row: index + 2, cells };
  });
}
