export type WordListAction = 'reject' | 'quarantine' | 'tag';
export type WordListDirection = 'inbound' | 'outbound' | 'both';
export type MailDirection = 'inbound' | 'outbound';
export type ScanWhere = 'subject' | 'text' | 'html' | 'attachment-name';

/** A word list as the matcher needs it; `version` feeds the cache key. */
export interface WordListDefinition {
  id: number;
  name: string;
  scope: string;
  action: WordListAction;
  direction: WordListDirection;
  version?: number;
  entries: readonly string[];
}

export interface ScannableText {
  where: ScanWhere;
  text: string;
}

export interface WordListMatch {
  listId: number;
  listName: string;
  /** The entry as the list stores it. */
  entry: string;
  action: WordListAction;
  where: ScanWhere;
  /** UTF-16 offsets of the match in the scanned text of `where`. */
  start: number;
  end: number;
  /** The original text of the match, e.g. "F.u.u.c.k". */
  matched: string;
  /** The match with some context around it, whitespace collapsed. */
  excerpt: string;
}

export interface MatchedList {
  id: number;
  name: string;
  scope: string;
  action: WordListAction;
}

export interface WordListVerdict {
  /** The strictest action of the lists that matched (reject > quarantine > tag), null when none did. */
  action: WordListAction | null;
  lists: MatchedList[];
}

export interface WordListScanResult {
  matches: WordListMatch[];
  verdict: WordListVerdict;
  /** True when more matches were found than `maxMatches`; the verdict still counts them all. */
  truncated: boolean;
}

const SEVERITY: Record<WordListAction, number> = { tag: 1, quarantine: 2, reject: 3 };

export function strictestAction(actions: Iterable<WordListAction>): WordListAction | null {
  let strictest: WordListAction | null = null;
  for (const action of actions) if (strictest === null || SEVERITY[action] > SEVERITY[strictest]) strictest = action;
  return strictest;
}

export function appliesTo(list: { direction: WordListDirection }, direction: MailDirection): boolean {
  return list.direction === 'both' || list.direction === direction;
}
