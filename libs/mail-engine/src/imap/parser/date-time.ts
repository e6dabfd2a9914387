/** date-time and date of RFC 3501 section 9 ("17-Jul-1996 02:44:25 -0700", "1-Feb-1994"). */
import { ParseError } from './errors.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthIndex = (name: string) => MONTHS.findIndex((month) => month.toLowerCase() === name.toLowerCase());

const DATE_TIME = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const DATE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;

export function parseDateTime(text: string): Date {
  const match = DATE_TIME.exec(text);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0) throw new ParseError(`Invalid date-time "${text}" (expected e.g. "17-Jul-1996 02:44:25 -0700")`);
  const [, day, , year, hour, minute, second, sign, zoneHours, zoneMinutes] = match;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second)) - offsetMinutes * 60_000;
  const date = new Date(utc);
  if (Number.isNaN(utc) || date.getUTCFullYear() > 9999 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
    throw new ParseError(`Invalid date-time "${text}"`);
  }
  return date;
}

/** A SEARCH date as "YYYY-MM-DD". */
export function parseSearchDate(text: string): string {
  const match = DATE.exec(text);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0 || Number(match[1]) < 1 || Number(match[1]) > 31) throw new ParseError(`Invalid date "${text}" (expected e.g. "1-Feb-1994")`);
  return `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
}

/** INTERNALDATE as sent in FETCH responses, in UTC ("17-Jul-1996 09:44:25 +0000"). */
export function formatDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
