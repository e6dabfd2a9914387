/**
 * Imports accounts' Maildirs into the mail store: every folder (created when missing,
 * special-use ones matched by name), every message with its flags and internal date, bytes
 * stored single-instance by the store. Each imported file is recorded in ImportedItem
 * (source `maildir`, key `<folder>/<unique name>`), so a re-run imports nothing twice and an
 * interrupted run resumes where it stopped, whatever order the files are met in.
 *
 * A message is recorded right after the store commits it: a crash between the two is the only
 * way one message can come twice, and nothing can be lost.
 */
import { readFile } from 'node:fs/promises';
import type { Db } from '../contracts.js';
import { INBOX } from '../mailbox/default-folders.js';
import { MailStoreError, type FolderInfo, type MailStore } from '../mailstore/types.js';
import { ImportInterrupted, type ImportRun } from './import-run.js';
import { maildirFolders, maildirMessages, type MaildirFolder, type MaildirMessage } from './maildir-scan.js';

export const MAILDIR_SOURCE = 'maildir';
/** Mailboxes imported at a time: each message waits for its fsync and a few queries, so they overlap well. */
const MAILBOX_CONCURRENCY = 8;

export interface MaildirCheckpoint {
  /** Messages imported so far by this job (for its counters); ImportedItem, not this, decides what is skipped. */
  imported: number;
}

export interface MaildirImportTarget {
  accountId: number;
  /** The account's address, for the report. */
  label: string;
  maildir: string;
}

type ScannedMailbox = { target: MaildirImportTarget; folders: Array<MaildirFolder & { messages: MaildirMessage[] }> };

async function scan(targets: readonly MaildirImportTarget[]): Promise<ScannedMailbox[]> {
  const mailboxes: ScannedMailbox[] = [];
  for (const target of targets) {
    const folders = [];
    for (const folder of await maildirFolders(target.maildir)) folders.push({ ...folder, messages: await maildirMessages(folder.directory) });
    mailboxes.push({ target, folders });
  }
  return mailboxes;
}

/** Runs `work` on every item, `concurrency` at a time; the first failure stops the others at their next item. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, stopped: () => boolean) => Promise<void>) {
  const queue = [...items];
  let failed = false;
  const results = await Promise.allSettled(
    Array.from({ length: concurrency }, async () => {
      try {
        for (let next = queue.shift(); next !== undefined && !failed; next = queue.shift()) await work(next, () => failed);
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
  );
  const rejections = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason);
  const cause = rejections.find((reason) => !(reason instanceof ImportInterrupted)) ?? rejections[0];
  if (cause !== undefined) throw cause;
}

export async function importMaildirs(db: Db, store: MailStore, targets: readonly MaildirImportTarget[], run: ImportRun<MaildirCheckpoint>) {
  const mailboxes = await scan(targets);
  run.setTotal(mailboxes.reduce((sum, mailbox) => sum + mailbox.folders.reduce((n, folder) => n + folder.messages.length, 0), 0));
  let imported = run.checkpoint?.imported ?? 0;
  // Messages this job imported before it was interrupted were counted then; only older ones are "skipped".
  let countedBefore = imported;

  const importFolder = async (target: MaildirImportTarget, folder: ScannedMailbox['folders'][number], done: Set<string>, existing: Map<string, FolderInfo>, stopped: () => boolean) => {
    const where = `${target.label} ${folder.name}`;
    const fresh = folder.messages.filter((message) => !done.has(`${folder.name}/${message.unique}`));
    const counted = Math.min(countedBefore, folder.messages.length - fresh.length);
    countedBefore -= counted;
    const earlier = folder.messages.length - fresh.length - counted;
    if (earlier > 0) run.onItem({ item: where, action: 'skip', reason: `${earlier} message(s) imported by an earlier run`, count: earlier });
    if (fresh.length === 0) return;
    if (run.dryRun) {
      run.onItem({ item: where, action: 'create', reason: `${fresh.length} message(s)${existing.has(folder.name) ? '' : ', new folder'}`, count: fresh.length });
      return;
    }
    const destination = existing.get(folder.name) ?? (await store.createFolder(target.accountId, folder.name));
    for (const message of fresh) {
      if (run.signal?.aborted || stopped()) throw new ImportInterrupted();
      const key = `${folder.name}/${message.unique}`;
      try {
        await store.append(target.accountId, destination.id, await readFile(message.path), message.flags, message.internalDate);
        await db.importedItem.create({ data: { accountId: target.accountId, source: MAILDIR_SOURCE, key } });
        imported++;
        run.onItem({ item: where, action: 'created' });
      } catch (error) {
        if (!(error instanceof MailStoreError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // Over quota, or a file that vanished since the scan: the other messages still come.
        run.onItem({ item: `${target.label} ${key}`, action: 'error', reason: (error as Error).message });
      }
      await run.onCheckpoint({ imported });
    }
  };

  await inParallel(mailboxes, MAILBOX_CONCURRENCY, async ({ target, folders }, stopped) => {
    const done = new Set((await db.importedItem.findMany({ where: { accountId: target.accountId, source: MAILDIR_SOURCE }, select: { key: true } })).map((row) => row.key));
    const existing = new Map((await store.listFolders(target.accountId)).map((folder) => [folder.name.toUpperCase() === INBOX ? INBOX : folder.name, folder]));
    for (const folder of folders) await importFolder(target, folder, done, existing, stopped);
  });
  await run.onCheckpoint({ imported });
}
