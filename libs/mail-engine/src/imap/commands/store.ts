/**
 * STORE and UID STORE (RFC 3501 6.4.6): FLAGS, +FLAGS, -FLAGS, each with .SILENT; the flags
 * as a list or bare. Without .SILENT, each changed message's FLAGS are answered (with its UID
 * for UID STORE).
 */
import { parseFlag } from '../parser/arguments.js';
import { ParseError } from '../parser/errors.js';
import type { SequenceSet } from '../types.js';
import type { FlagOperation } from '../../mailstore/types.js';
import { command, no, ok, SELECTED } from './command.js';
import { targets } from './message-set.js';

const OPERATIONS: Record<string, FlagOperation> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

function storeCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID STORE' : 'STORE',
    states: SELECTED,
    mayExpunge: byUid,
    parse(args): { set: SequenceSet; operation: FlagOperation; silent: boolean; flags: string[] } {
      const set = args.sequenceSet();
      const item = args.keyword('FLAGS, +FLAGS or -FLAGS');
      const silent = item.endsWith('.SILENT');
      const operation = OPERATIONS[silent ? item.slice(0, -'.SILENT'.length) : item];
      if (!operation) throw new ParseError(`Unknown STORE item ${item.slice(0, 30)} (expected FLAGS, +FLAGS or -FLAGS, optionally .SILENT)`);
      const first = args.peek();
      let flags: string[];
      if (first?.type === 'list') flags = args.flagList();
      else {
        flags = [];
        while (!args.done) flags.push(parseFlag(args.token('flag')));
      }
      args.end();
      if (flags.length === 0 && operation !== 'replace') throw new ParseError('No flags given');
      return { set, operation, silent, flags };
    },
    async run(session, { set, operation, silent, flags }) {
      const selected = session.selected!;
      if (selected.readOnly) return no('The mailbox is read-only', 'READ-ONLY');
      const uids = targets(selected, set, byUid).filter((t) => t.meta).map((t) => t.uid);
      if (uids.length === 0) return ok('STORE completed (no messages)');
      const updated = await session.context.store.storeFlags(selected.folder.id, uids, operation, flags);
      selected.updated(updated);
      if (!silent) {
        const lines = updated.map((meta) => `${selected.seqOf(meta.uid)} FETCH (FLAGS (${meta.flags.join(' ')})${byUid ? ` UID ${meta.uid}` : ''})`);
        if (lines.length) await session.untagged(lines.join('\r\n* '));
      }
      return ok('STORE completed');
    },
  });
}

export const store = storeCommand(false);
export const uidStore = storeCommand(true);
