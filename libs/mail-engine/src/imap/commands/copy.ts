/**
 * COPY and UID COPY (RFC 3501 6.4.7, RFC 4315 COPYUID). The destination must exist
 * (TRYCREATE otherwise); copies count against the quota (OVERQUOTA).
 */
import type { Arguments } from '../parser/arguments.js';
import { formatSequenceSet } from '../parser/sequence-set.js';
import type { SequenceSet } from '../types.js';
import { command, no, ok, SELECTED } from './command.js';
import { targets } from './message-set.js';
import { storeRefusal } from './store-refusals.js';

export function parseTransfer(args: Arguments): { set: SequenceSet; mailbox: string } {
  const set = args.sequenceSet();
  const mailbox = args.mailbox('destination mailbox');
  args.end();
  return { set, mailbox };
}

export const copyUidCode = (uidValidity: number, pairs: Array<{ from: number; to: number }>) => {
  const sorted = [...pairs].sort((a, b) => a.from - b.from);
  return `COPYUID ${uidValidity} ${formatSequenceSet(sorted.map((p) => p.from))} ${formatSequenceSet(sorted.map((p) => p.to))}`;
};

function copyCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID COPY' : 'COPY',
    states: SELECTED,
    parse: parseTransfer,
    async run(session, { set, mailbox }) {
      const selected = session.selected!;
      const uids = targets(selected, set, byUid).filter((t) => t.meta).map((t) => t.uid);
      const destination = await session.context.store.folder(session.accountId, mailbox);
      if (!destination) return no(`No mailbox named ${mailbox}`, 'TRYCREATE');
      if (uids.length === 0) return ok('COPY completed (no messages)');
      try {
        const pairs = await session.context.store.copy(session.accountId, selected.folder.id, uids, destination.id);
        if (destination.id === selected.folder.id) selected.changed();
        return ok('COPY completed', copyUidCode(destination.uidValidity, pairs));
      } catch (error) {
        const refusal = storeRefusal(error, { target: true });
        if (refusal) return refusal;
        throw error;
      }
    },
  });
}

export const copy = copyCommand(false);
export const uidCopy = copyCommand(true);
