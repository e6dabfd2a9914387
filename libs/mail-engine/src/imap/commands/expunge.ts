/** EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (RFC 4315 2.1: only the \Deleted messages among the given UIDs). */
import type { SequenceSet } from '../types.js';
import { command, no, ok, SELECTED } from './command.js';

function expungeCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID EXPUNGE' : 'EXPUNGE',
    states: SELECTED,
    parse(args): SequenceSet | undefined {
      const set = byUid ? args.sequenceSet('UID set') : undefined;
      args.end();
      return set;
    },
    async run(session, set) {
      const selected = session.selected!;
      if (selected.readOnly) return no('The mailbox is read-only', 'READ-ONLY');
      const uids = set ? selected.resolve(set, true).map((target) => target.uid) : undefined;
      if (uids?.length === 0) return ok('EXPUNGE completed (no messages)');
      const removed = await session.context.store.expunge(selected.folder.id, uids);
      const lines = selected.removed(removed);
      if (lines.length) await session.untagged(lines.join('\r\n* '));
      return ok('EXPUNGE completed');
    },
  });
}

export const expunge = expungeCommand(false);
export const uidExpunge = expungeCommand(true);
