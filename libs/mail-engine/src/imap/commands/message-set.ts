/** The messages a command names: BAD when sequence numbers point past the mailbox (RFC 3501 6.4.8 allows any UID). */
import { ParseError } from '../parser/errors.js';
import type { SelectedFolder, Target } from '../session/selected-folder.js';
import type { SequenceSet } from '../types.js';

export function targets(selected: SelectedFolder, set: SequenceSet, byUid: boolean): Target[] {
  if (!byUid && selected.outOfRange(set)) throw new ParseError(`No message with that sequence number (the mailbox has ${selected.exists})`);
  return selected.resolve(set, byUid);
}
