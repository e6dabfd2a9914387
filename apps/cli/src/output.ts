/** One column of a table: its header and how a row's cell reads. */
export type Column<Row> = [header: string, cell: (row: Row) => unknown];

/** A plain value as a table cell: lists joined, booleans as on/off, nothing as "-". */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cellText).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table<Row>(rows: Row[], columns: Array<Column<Row>>): string {
  const cells = rows.map((row) => columns.map(([, cell]) => cellText(cell(row))));
  const headers = columns.map(([header]) => header);
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((line) => line[index]!.length)));
  const render = (line: string[]) =>
    line
      .map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [render(headers), ...cells.map(render)].join('\n');
}

/** A single resource as "key: value" lines; nested objects flatten to dotted keys. */
export function record(value: Record<string, unknown>, skip: string[] = []): string {
  const lines: Array<[string, string]> = [];
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [key, member] of Object.entries(object)) {
      if (skip.includes(prefix + key)) continue;
      if (member && typeof member === 'object' && !Array.isArray(member)) walk(member as Record<string, unknown>, `${prefix}${key}.`);
      else lines.push([prefix + key, cellText(member)]);
    }
  };
  walk(value, '');
  const width = Math.max(0, ...lines.map(([key]) => key.length)) + 1;
  return lines.map(([key, text]) => `${(key + ':').padEnd(width)} ${text}`).join('\n');
}
