export const WORD_LIST_SCOPES = ['system', 'domain', 'account'] as const;
export const WORD_LIST_ACTIONS = ['reject', 'quarantine', 'tag'] as const;
export const WORD_LIST_DIRECTIONS = ['inbound', 'outbound', 'both'] as const;
export type WordListScope = (typeof WORD_LIST_SCOPES)[number];
export type WordListAction = (typeof WORD_LIST_ACTIONS)[number];
export type WordListDirection = (typeof WORD_LIST_DIRECTIONS)[number];

/** GET /api/v1/word-lists items; `entries` only on GET /word-lists/{id} */
export interface WordList {
  id: number;
  name: string;
  scope: WordListScope;
  domain: string | null;
  account: string | null;
  action: WordListAction;
  direction: WordListDirection;
  entries?: string[];
  entryCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WordListMatch {
  listId: number;
  listName: string;
  /** Null for a list the signed-in administrator may not read (a wider level's). */
  entry: string | null;
  action: string;
  where: 'subject' | 'text' | 'html' | 'attachment-name';
  start: number;
  end: number;
  matched: string;
  excerpt: string;
}

interface TestedList {
  id: number;
  name: string;
  scope: string;
  action: string;
  direction?: string;
}

/** POST /api/v1/word-lists/test */
export interface WordListTestResult {
  account: string;
  direction: 'inbound' | 'outbound';
  action: WordListAction | null;
  matches: WordListMatch[];
  truncated: boolean;
  lists: TestedList[];
  checked: TestedList[];
}

export const ACTION_LABEL: Record<WordListAction, string> = {
  reject: 'Reject the message',
  quarantine: 'Hold it in quarantine',
  tag: 'Deliver it, tagged',
};

/** Bulk-pasted text: one entry per line, blanks and repeats dropped. */
export const linesOf = (text: string) => [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
