/**
 * LIST (RFC 3501 6.3.8) with RFC 6154 special-use and RFC 3348 CHILDREN attributes. "*"
 * matches anything, "%" anything but the separator; a level that only exists as the parent
 * of another is listed \Noselect. An empty pattern asks for the separator.
 */
import type { FolderInfo } from '../../mailstore/types.js';
import type { Session } from '../session/session.js';
import { AUTHENTICATED, command, ok } from './command.js';
import { wireName } from './mailbox-name.js';

export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = reference + pattern;
  const source = full.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*');
  const expression = new RegExp(`^${source}$`);
  return (name) => expression.test(name);
}

/** Every folder plus the parent levels that exist only as parents, with their attributes. */
export function listEntries(folders: FolderInfo[], match: (name: string) => boolean, options: { subscribedOnly: boolean; children: boolean }) {
  const existing = new Map(folders.map((folder) => [folder.name, folder]));
  const names = new Set<string>();
  for (const folder of folders) {
    if (options.subscribedOnly && !folder.subscribed) continue;
    const levels = folder.name.split('/');
    for (let i = 1; i <= levels.length; i++) names.add(levels.slice(0, i).join('/'));
  }
  const entries: Array<{ name: string; attributes: string[] }> = [];
  for (const name of names) {
    if (!match(name)) continue;
    const folder = existing.get(name);
    const selectable = folder && (!options.subscribedOnly || folder.subscribed);
    const attributes = selectable ? [] : ['\\Noselect'];
    if (options.children) attributes.push(folders.some((f) => f.name.startsWith(`${name}/`)) ? '\\HasChildren' : '\\HasNoChildren');
    if (selectable && folder.specialUse && !options.subscribedOnly) attributes.push(folder.specialUse);
    entries.push({ name, attributes });
  }
  return entries;
}

export async function listFolders(session: Session, kind: 'LIST' | 'LSUB', reference: string, pattern: string) {
  if (kind === 'LIST' && pattern === '') {
    await session.untagged('LIST (\\Noselect) "/" ""');
    return;
  }
  const folders = await session.context.store.listFolders(session.accountId);
  const entries = listEntries(folders, patternMatcher(reference, pattern), { subscribedOnly: kind === 'LSUB', children: kind === 'LIST' });
  for (const entry of entries) await session.untagged(`${kind} (${entry.attributes.join(' ')}) "/" ${wireName(entry.name)}`);
}

export const list = command({
  name: 'LIST',
  states: AUTHENTICATED,
  parse(args) {
    const reference = args.pattern('reference name');
    const pattern = args.pattern('mailbox pattern');
    args.end();
    return { reference, pattern };
  },
  async run(session, { reference, pattern }) {
    await listFolders(session, 'LIST', reference, pattern);
    return ok('LIST completed');
  },
});
