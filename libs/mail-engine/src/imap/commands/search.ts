/**
 * SEARCH and UID SEARCH (RFC 3501 6.4.4): the program is evaluated by the message model;
 * message content is read only when a key needs it. CHARSET UTF-8 and US-ASCII are known.
 */
import { matches, needsContent } from '../message/index.js';
import { parseSearchProgram } from '../parser/search-program.js';
import type { SearchKey } from '../types.js';
import { command, no, ok, SELECTED } from './command.js';

const CHARSETS = ['UTF-8', 'US-ASCII'];

function searchCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID SEARCH' : 'SEARCH',
    states: SELECTED,
    mayExpunge: byUid,
    parse(args): { charset: string; program: SearchKey } {
      const charset = args.accept('CHARSET') ? args.astring('charset').toUpperCase() : 'US-ASCII';
      return { charset, program: parseSearchProgram(args) };
    },
    async run(session, { charset, program }) {
      if (!CHARSETS.includes(charset)) return no(`Charset ${charset.slice(0, 40)} is not supported`, 'BADCHARSET (UTF-8 US-ASCII)');
      const selected = session.selected!;
      const need = needsContent(program);
      const context = { maxSeq: selected.exists, maxUid: selected.uidList.at(-1) ?? 0 };
      const found: number[] = [];
      for (const [index, uid] of selected.uidList.entries()) {
        const meta = selected.meta(uid);
        if (!meta) continue;
        const raw = need === 'none' ? undefined : await session.context.store.read(meta.blobId);
        if (matches(program, { seq: index + 1, uid, size: meta.size, flags: meta.flags, internalDate: meta.internalDate, raw }, context)) found.push(byUid ? uid : index + 1);
      }
      await session.untagged(found.length ? `SEARCH ${found.join(' ')}` : 'SEARCH');
      return ok('SEARCH completed');
    },
  });
}

export const search = searchCommand(false);
export const uidSearch = searchCommand(true);
