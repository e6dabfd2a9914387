/**
 * MOVE and UID MOVE (RFC 6851): COPYUID in an untagged OK, then the EXPUNGE of each moved
 * message, then the tagged OK.
 */
import { command, no, ok, SELECTED } from './command.js';
import { copyUidCode, parseTransfer } from './copy.js';
import { targets } from './message-set.js';
import { storeRefusal } from './store-refusals.js';

function moveCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID MOVE' : 'MOVE',
    states: SELECTED,
    parse: parseTransfer,
    async run(session, { set, mailbox }) {
      const selected = session.selected!;
      if (selected.readOnly) return no('The mailbox is read-only', 'READ-ONLY');
      const uids = targets(selected, set, byUid).filter((t) => t.meta).map((t) => t.uid);
      const destination = await session.context.store.folder(session.accountId, mailbox);
      if (!destination) return no(`No mailbox named ${mailbox}`, 'TRYCREATE');
      if (uids.length === 0) return ok('MOVE completed (no messages)');
      let pairs: Array<{ from: number; to: number }>;
      try {
        pairs = await session.context.store.move(session.accountId, selected.folder.id, uids, destination.id);
      } catch (error) {
        const refusal = storeRefusal(error, { target: true });
        if (refusal) return refusal;
        throw error;
      }
      const expunged = selected.removed(pairs.map((p) => p.from));
      await session.untagged([`OK [${copyUidCode(destination.uidValidity, pairs)}] Moved`, ...expunged].join('\r\n* '));
      return ok('MOVE completed');
    },
  });
}

export const move = moveCommand(false);
export const uidMove = moveCommand(true);
