import type { SearchKey, SequenceSet } from '../../types.js';
import type { MessagePart } from '../message-part.js';
import { parseMessage } from '../parse-message.js';
import { compareDay, internalDay, sentDay } from './dates.js';
import { MessageText } from './message-text.js';

/** How much of a message SEARCH must read: nothing, the header block, or the whole message. */
export type ContentNeed = 'none' | 'headers' | 'full';

export interface SearchableMessage {
  seq: number;
  uid: number;
  /** RFC822.SIZE */
  size: number;
  flags: readonly string[];
  internalDate: Date;
  /** The raw message, or at least its header block when needsContent() said 'headers'. */
  raw?: Buffer;
  /** parseMessage(raw), when the caller already has it. */
  tree?: MessagePart;
}

export interface SearchContext {
  /** Highest sequence number and UID in the mailbox: what '*' means. */
  maxSeq: number;
  maxUid: number;
}

const NEED_ORDER: ContentNeed[] = ['none', 'headers', 'full'];

export function needsContent(key: SearchKey): ContentNeed {
  switch (key.kind) {
    case 'and':
      return key.keys.map(needsContent).reduce(greaterNeed, 'none');
    case 'or':
      return greaterNeed(needsContent(key.left), needsContent(key.right));
    case 'not':
      return needsContent(key.key);
    case 'header':
      return 'headers';
    case 'date':
      return key.which === 'sent' ? 'headers' : 'none';
    case 'body':
    case 'text':
      return 'full';
    default:
      return 'none';
  }
}

function greaterNeed(left: ContentNeed, right: ContentNeed): ContentNeed {
  return NEED_ORDER.indexOf(left) >= NEED_ORDER.indexOf(right) ? left : right;
}

/**
 * Whether a message satisfies a SEARCH key (RFC 3501 6.4.4). Strings match as
 * case-insensitive substrings of decoded text. A key that needs content the caller did not
 * pass (no raw) does not match.
 */
export function matches(key: SearchKey, message: SearchableMessage, context: SearchContext): boolean {
  let text: MessageText | null | undefined;
  const content = (): MessageText | null => {
    if (text === undefined) {
      const raw = message.raw;
      text = raw ? new MessageText(raw, message.tree ?? parseMessage(raw)) : null;
    }
    return text;
  };

  const evaluate = (current: SearchKey): boolean => {
    switch (current.kind) {
      case 'all':
        return true;
      case 'and':
        return current.keys.every(evaluate);
      case 'or':
        return evaluate(current.left) || evaluate(current.right);
      case 'not':
        return !evaluate(current.key);
      case 'flag': {
        const wanted = current.flag.toLowerCase();
        return message.flags.some((flag) => flag.toLowerCase() === wanted) === current.set;
      }
      case 'header': {
        const values = content()?.headerValues(current.field) ?? [];
        const wanted = current.value.toLowerCase();
        return values.some((value) => value.includes(wanted));
      }
      case 'body': {
        const body = content()?.body();
        return body !== undefined && body.includes(current.value.toLowerCase());
      }
      case 'text': {
        const found = content();
        const wanted = current.value.toLowerCase();
        return found !== null && (found.headers().includes(wanted) || found.body().includes(wanted));
      }
      case 'date': {
        const day = current.which === 'internal' ? internalDay(message.internalDate) : sentDayOf(content());
        return day !== null && compareDay(day, current.op, current.day);
      }
      case 'size':
        return current.op === 'larger' ? message.size > current.bytes : message.size < current.bytes;
      case 'uid':
        return inSequenceSet(message.uid, current.set, context.maxUid);
      case 'seq':
        return inSequenceSet(message.seq, current.set, context.maxSeq);
    }
  };
  return evaluate(key);
}

function sentDayOf(text: MessageText | null): string | null {
  const date = text?.tree.headers.first('date');
  return date === undefined ? null : sentDay(date);
}

/** '*' is the largest number in use; a range may be written either way round ("5:2", "*:4"). */
export function inSequenceSet(value: number, set: SequenceSet, largest: number): boolean {
  return set.some(({ from, to }) => {
    const first = from === '*' ? largest : from;
    const last = to === '*' ? largest : to;
    return value >= Math.min(first, last) && value <= Math.max(first, last);
  });
}
