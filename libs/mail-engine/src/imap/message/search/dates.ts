/** SEARCH compares days (RFC 3501 6.4.4): the internal date's UTC day, the Date header's own day. */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DATE_PATTERN = /(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})/i;

export function internalDay(date: Date): string | null {
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

/** The calendar day written in an RFC 5322 Date header, whatever its zone; null when unreadable. */
export function sentDay(header: string): string | null {
  const match = DATE_PATTERN.exec(header);
  if (!match) return null;
  const day = Number(match[1]);
  const month = MONTHS.indexOf(match[2]!.toLowerCase());
  let year = Number(match[3]);
  // RFC 5322 4.3: two-digit years below 50 are 20xx, other two- and three-digit years add 1900.
  if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  if (month < 0 || day < 1 || day > 31) return null;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function compareDay(day: string, op: 'before' | 'on' | 'since', wanted: string): boolean {
  if (op === 'before') return day < wanted;
  if (op === 'on') return day === wanted;
  return day >= wanted;
}
