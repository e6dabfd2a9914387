/**
 * Imports one account's mail from any IMAP server (the general path when the old platform's
 * Maildirs cannot be copied): every selectable folder, each message with its flags and
 * internal date. Each message is recorded in ImportedItem under the source's identity
 * (`imap:<user>@<host>`) with key `<folder>/<UIDVALIDITY>/<UID>`, so a re-run fetches only
 * what arrived since, and a folder whose UIDVALIDITY changed is imported afresh.
 */
import { ImapFlow, type ListResponse } from 'imapflow';
import type { Db } from '../contracts.js';
import { INBOX } from '../mailbox/default-folders.js';
import { MailStoreError, type MailStore } from '../mailstore/types.js';
import { ImportInterrupted, type ImportRun } from './import-run.js';

export interface ImapSource {
  host: string;
  port: number;
  /** TLS from the first byte (993); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** Old platforms often have self-signed certificates; verification can be turned off for them. */
  verifyCertificate: boolean;
}

export interface ImapCheckpoint {
  /** Messages imported so far by this job (for its counters); ImportedItem decides what is skipped. */
  imported: number;
}

/** Messages fetched per round trip (their bytes are held in memory until stored). */
const FETCH_BATCH = 25;

const SPECIAL_USE_FOLDERS: Record<string, string> = { '\\Sent': 'Sent', '\\Drafts': 'Drafts', '\\Trash': 'Trash', '\\Junk': 'Junk' };

export const imapSourceName = (source: Pick<ImapSource, 'user' | 'host'>) => `imap:${source.user.toLowerCase()}@${source.host.toLowerCase()}`;

/** The local name of a remote folder: special-use ones matched, the hierarchy spelled with "/". */
function localFolderName(entry: ListResponse): string {
  if (entry.path.toUpperCase() === INBOX) return INBOX;
  const special = entry.specialUse ? SPECIAL_USE_FOLDERS[entry.specialUse] : undefined;
  if (special) return special;
  return entry.delimiter ? entry.path.split(entry.delimiter).join('/') : entry.path;
}

/** Flags as the store keeps them: system flags and keywords, without the session-only \Recent. */
const storedFlags = (flags: Set<string> | undefined) => [...(flags ?? [])].filter((flag) => flag !== '\\Recent');

export async function importFromImap(db: Db, store: MailStore, target: { accountId: number; label: string }, source: ImapSource, run: ImportRun<ImapCheckpoint>) {
  const client = new ImapFlow({
    host: source.host,
    port: source.port,
    secure: source.secure,
    auth: { user: source.user, pass: source.password },
    tls: { rejectUnauthorized: source.verifyCertificate },
    logger: false,
  });
  await client.connect();
  try {
    const sourceName = imapSourceName(source);
    const done = new Set((await db.importedItem.findMany({ where: { accountId: target.accountId, source: sourceName }, select: { key: true } })).map((row) => row.key));
    const remoteFolders = (await client.list({ statusQuery: { messages: true } })).filter((entry) => !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent'));
    run.setTotal(remoteFolders.reduce((sum, entry) => sum + (entry.status?.messages ?? 0), 0));
    const existing = new Map((await store.listFolders(target.accountId)).map((folder) => [folder.name.toUpperCase() === INBOX ? INBOX : folder.name, folder]));
    let imported = run.checkpoint?.imported ?? 0;
    // Messages this job imported before it was interrupted were counted then.
    let countedBefore = imported;

    for (const entry of remoteFolders) {
      const name = localFolderName(entry);
      const where = `${target.label} ${name}`;
      const mailbox = await client.mailboxOpen(entry.path, { readOnly: true });
      if (mailbox.exists === 0) continue;
      const uidValidity = String(mailbox.uidValidity);
      const uids = (await client.fetchAll('1:*', { uid: true }, { uid: true })).map((message) => message.uid);
      const fresh = uids.filter((uid) => !done.has(`${name}/${uidValidity}/${uid}`));
      const counted = Math.min(countedBefore, uids.length - fresh.length);
      countedBefore -= counted;
      const earlier = uids.length - fresh.length - counted;
      if (earlier > 0) run.onItem({ item: where, action: 'skip', reason: `${earlier} message(s) imported by an earlier run`, count: earlier });
      if (run.dryRun || fresh.length === 0) {
        if (fresh.length > 0) run.onItem({ item: where, action: 'create', reason: `${fresh.length} message(s)${existing.has(name) ? '' : ', new folder'}`, count: fresh.length });
        continue;
      }
      const destination = existing.get(name) ?? (await store.createFolder(target.accountId, name));
      existing.set(name, destination);
      for (let start = 0; start < fresh.length; start += FETCH_BATCH) {
        if (run.signal?.aborted) throw new ImportInterrupted();
        const batch = await client.fetchAll(fresh.slice(start, start + FETCH_BATCH).join(','), { uid: true, flags: true, internalDate: true, source: true }, { uid: true });
        for (const message of batch.sort((a, b) => a.uid - b.uid)) {
          const key = `${name}/${uidValidity}/${message.uid}`;
          try {
            const internalDate = message.internalDate ? new Date(message.internalDate) : new Date();
            await store.append(target.accountId, destination.id, message.source ?? Buffer.alloc(0), storedFlags(message.flags), internalDate);
            await db.importedItem.create({ data: { accountId: target.accountId, source: sourceName, key } });
            imported++;
            run.onItem({ item: where, action: 'created' });
          } catch (error) {
            if (!(error instanceof MailStoreError)) throw error;
            run.onItem({ item: `${target.label} ${key}`, action: 'error', reason: error.message });
          }
          await run.onCheckpoint({ imported });
        }
      }
    }
    await run.onCheckpoint({ imported });
  } finally {
    await client.logout().catch(() => client.close());
  }
}
