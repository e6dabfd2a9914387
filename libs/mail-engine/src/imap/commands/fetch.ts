/**
 * FETCH and UID FETCH (RFC 3501 6.4.5, 7.4.2). Reading a body section without PEEK sets
 * \Seen first (in a read-write mailbox), and the new FLAGS are part of the response. A
 * message is read and parsed only when an item needs its content and its structure is not
 * cached; a few messages are read ahead while earlier responses are written.
 */
import type { MessageMeta } from '../../mailstore/types.js';
import { asLiteral, atom, bodyStructure, envelope, parseMessage, section, serialize, type ImapValue, type MessagePart } from '../message/index.js';
import { formatDateTime } from '../parser/date-time.js';
import { parseFetchItems, type FetchItem } from '../parser/fetch-items.js';
import type { Session } from '../session/session.js';
import type { Structure } from '../session/structure-cache.js';
import type { SequenceSet } from '../types.js';
import { command, ok, SELECTED } from './command.js';
import { targets } from './message-set.js';

const READ_AHEAD = 8;

async function response(session: Session, meta: MessageMeta, items: FetchItem[]): Promise<Buffer> {
  let content: { raw: Buffer; tree: MessagePart } | undefined;
  const message = async () => {
    if (!content) {
      const raw = await session.context.store.read(meta.blobId);
      content = { raw, tree: parseMessage(raw) };
    }
    return content;
  };
  let cached: Structure | undefined;
  const structure = async () => {
    cached ??= session.context.structures.get(meta.blobId);
    if (!cached) {
      const { tree } = await message();
      cached = { envelope: envelope(tree), body: bodyStructure(tree, false), bodyStructure: bodyStructure(tree, true) };
      session.context.structures.set(meta.blobId, cached);
    }
    return cached;
  };
  const values: ImapValue[] = [];
  for (const item of items) {
    if (item.kind === 'section') {
      const { raw, tree } = await message();
      const bytes = section(raw, tree, item.section);
      values.push(atom(item.responseName), bytes ? asLiteral(bytes) : null);
      continue;
    }
    values.push(atom(item.name));
    switch (item.name) {
      case 'FLAGS':
        values.push(meta.flags.map(atom));
        break;
      case 'UID':
        values.push(meta.uid);
        break;
      case 'INTERNALDATE':
        values.push(formatDateTime(meta.internalDate));
        break;
      case 'RFC822.SIZE':
        values.push(meta.size);
        break;
      case 'ENVELOPE':
        values.push((await structure()).envelope);
        break;
      case 'BODYSTRUCTURE':
        values.push((await structure()).bodyStructure);
        break;
      case 'BODY':
        values.push((await structure()).body);
        break;
    }
  }
  return serialize(values);
}

function fetchCommand(byUid: boolean) {
  return command({
    name: byUid ? 'UID FETCH' : 'FETCH',
    states: SELECTED,
    mayExpunge: byUid,
    parse(args): { set: SequenceSet; items: FetchItem[] } {
      const set = args.sequenceSet();
      const items = parseFetchItems(args.token('FETCH items'));
      args.end();
      return { set, items };
    },
    async run(session, { set, items }) {
      const selected = session.selected!;
      const chosen = targets(selected, set, byUid);
      const wanted = [...items];
      if (byUid && !wanted.some((item) => item.kind === 'simple' && item.name === 'UID')) wanted.unshift({ kind: 'simple', name: 'UID' });
      const marksSeen = !selected.readOnly && items.some((item) => item.kind === 'section' && !item.peek);
      const newlySeen = new Set<number>();
      if (marksSeen) {
        const unseen = chosen.filter((t) => t.meta && !t.meta.flags.includes('\\Seen')).map((t) => t.uid);
        if (unseen.length) {
          const updated = await session.context.store.storeFlags(selected.folder.id, unseen, 'add', ['\\Seen']);
          selected.updated(updated);
          for (const meta of updated) newlySeen.add(meta.uid);
        }
      }
      const withFlags = wanted.some((item) => item.kind === 'simple' && item.name === 'FLAGS') ? wanted : [...wanted, { kind: 'simple', name: 'FLAGS' } as const];
      const present = chosen.flatMap((target) => {
        const meta = selected.meta(target.uid);
        return meta ? [{ seq: target.seq, meta }] : [];
      });
      const responses: Array<Promise<Buffer> | undefined> = [];
      const start = (index: number) => {
        if (index >= present.length || responses[index]) return;
        const { meta } = present[index]!;
        const pending = response(session, meta, newlySeen.has(meta.uid) ? withFlags : wanted);
        // Read ahead: a failure is reported when its turn comes, never as an unhandled rejection.
        pending.catch(() => undefined);
        responses[index] = pending;
      };
      for (let index = 0; index < present.length; index++) {
        for (let ahead = index; ahead < index + READ_AHEAD; ahead++) start(ahead);
        const body = await responses[index]!;
        await session.untagged(Buffer.concat([Buffer.from(`${present[index]!.seq} FETCH `), body]));
      }
      return ok('FETCH completed');
    },
  });
}

export const fetch = fetchCommand(false);
export const uidFetch = fetchCommand(true);
