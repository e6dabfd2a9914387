/**
 * The values IMAP commands carry between the parser (imap/parser) and the message model
 * (imap/message): sequence sets, FETCH body sections and SEARCH keys (RFC 3501 6.4.4, 6.4.5,
 * 9). The parser builds them; the message model evaluates them; neither knows the other.
 */

/** "1:4,7,9:*" as ranges; '*' is the largest number in use (sequence number or UID). */
export type SequenceSet = Array<{ from: number | '*'; to: number | '*' }>;

/** BODY[<section>]<<partial>> (RFC 3501 6.4.5). `part` [] is the whole message; [1, 2] is part 1.2. */
export interface SectionSpec {
  part: number[];
  /** '' = the part's whole content (or whole message for part []). */
  kind: '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Field names for HEADER.FIELDS / HEADER.FIELDS.NOT, as the client spelled them. */
  fields?: string[];
  partial?: { start: number; length: number };
}

/** A parsed SEARCH program. The parser maps FROM/TO/CC/BCC/SUBJECT to `header`, NEW/OLD/RECENT etc. to flags. */
export type SearchKey =
  | { kind: 'all' }
  | { kind: 'and'; keys: SearchKey[] }
  | { kind: 'or'; left: SearchKey; right: SearchKey }
  | { kind: 'not'; key: SearchKey }
  /** SEEN/UNSEEN, ANSWERED/UNANSWERED, FLAGGED, DELETED, DRAFT, KEYWORD/UNKEYWORD: flag with backslash for system flags. */
  | { kind: 'flag'; flag: string; set: boolean }
  /** Substring, case-insensitive; an empty value matches every message that has the field. */
  | { kind: 'header'; field: string; value: string }
  | { kind: 'body'; value: string }
  | { kind: 'text'; value: string }
  /** BEFORE/ON/SINCE compare the internal date, SENTBEFORE/SENTON/SENTSINCE the Date header; dates are days (YYYY-MM-DD), time and zone ignored. */
  | { kind: 'date'; which: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; day: string }
  | { kind: 'size'; op: 'larger' | 'smaller'; bytes: number }
  | { kind: 'uid'; set: SequenceSet }
  | { kind: 'seq'; set: SequenceSet };
