/**
 * A small RFC 4180 reader for exports of MySQL tables (`SELECT ... INTO OUTFILE` with
 * FIELDS ENCLOSED BY '"', or a spreadsheet's CSV): quoted fields may hold commas, doubled
 * quotes and line breaks. Returns rows with the physical line each row starts on.
 */
export interface CsvRow {
  line: number;
  fields: string[];
}

export function readCsv(content: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (rowHasContent || fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    rowHasContent = false;
  };
  for (let i = 0; i < content.length; i++) {
    const char = content[i]!;
    if (quoted) {
      if (char === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      rowHasContent = true;
    } else if (char === ',') {
      endField();
      rowHasContent = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += char;
    }
  }
  if (field !== '' || fields.length > 0 || rowHasContent) endRow();
  return rows;
}
