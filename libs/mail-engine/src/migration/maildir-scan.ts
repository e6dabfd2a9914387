/**
 * Finds what a Maildir holds: its folders (INBOX = the Maildir itself, Maildir++ sub-folders
 * as `.Name` directories) and each folder's messages in cur/ and new/, oldest first, with the
 * flags and internal date each file name and mtime give. Also finds the mailboxes of a
 * vpopmail domain directory (`<user>/Maildir`, or `<hash>/<user>/Maildir` when vpopmail
 * spread a big domain over hashed sub-directories).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { INBOX } from '../mailbox/default-folders.js';
import { folderNameOf, parseDovecotKeywords, parseMaildirFileName } from './maildir-names.js';

export interface MaildirFolder {
  name: string;
  directory: string;
}

export interface MaildirMessage {
  path: string;
  unique: string;
  flags: string[];
  internalDate: Date;
}

async function isDirectory(path: string) {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function entriesOf(directory: string) {
  return readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

export async function maildirFolders(maildir: string): Promise<MaildirFolder[]> {
  const folders: MaildirFolder[] = [{ name: INBOX, directory: maildir }];
  for (const entry of await entriesOf(maildir)) {
    if (!entry.isDirectory()) continue;
    const name = folderNameOf(entry.name);
    if (name === null || !(await isDirectory(join(maildir, entry.name, 'cur')))) continue;
    folders.push({ name, directory: join(maildir, entry.name) });
  }
  return folders;
}

export async function maildirMessages(folderDirectory: string): Promise<MaildirMessage[]> {
  const keywords = parseDovecotKeywords(await readFile(join(folderDirectory, 'dovecot-keywords'), 'utf8').catch(() => ''));
  const messages: MaildirMessage[] = [];
  for (const sub of ['cur', 'new']) {
    const directory = join(folderDirectory, sub);
    for (const entry of await entriesOf(directory)) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      const name = parseMaildirFileName(entry.name, keywords);
      // A message's arrival time is its file's mtime in Maildir; the name's timestamp when that is unusable.
      const mtime = (await stat(path)).mtime;
      const internalDate = mtime.getTime() > 0 ? mtime : (name.timestamp ?? mtime);
      messages.push({ path, unique: name.unique, flags: sub === 'new' ? [] : name.flags, internalDate });
    }
  }
  // Oldest first, so UIDs follow arrival order as they did on the old server.
  return messages.sort((a, b) => a.internalDate.getTime() - b.internalDate.getTime() || a.unique.localeCompare(b.unique));
}

/** The mailboxes of a vpopmail domain directory, by user name. */
export async function vpopmailMaildirs(domainDirectory: string): Promise<Array<{ user: string; maildir: string }>> {
  const found: Array<{ user: string; maildir: string }> = [];
  for (const entry of await entriesOf(domainDirectory)) {
    if (!entry.isDirectory()) continue;
    const candidate = join(domainDirectory, entry.name);
    if (await isDirectory(join(candidate, 'Maildir'))) {
      found.push({ user: entry.name.toLowerCase(), maildir: join(candidate, 'Maildir') });
    } else if (entry.name.length === 1) {
      for (const hashed of await entriesOf(candidate)) {
        if (hashed.isDirectory() && (await isDirectory(join(candidate, hashed.name, 'Maildir')))) {
          found.push({ user: hashed.name.toLowerCase(), maildir: join(candidate, hashed.name, 'Maildir') });
        }
      }
    }
  }
  return found.sort((a, b) => a.user.localeCompare(b.user));
}
