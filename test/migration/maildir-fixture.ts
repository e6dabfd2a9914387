/** A vpopmail-style Maildir tree written by the tests: folders, flags in file names, mtimes as delivery dates. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureMessage {
  folder: string;
  /** Maildir++ directory: '' for INBOX, '.Sent', '.Folder.Sub'. */
  directory: string;
  sub: 'cur' | 'new';
  fileName: string;
  subject: string;
  flags: string[];
  date: Date;
  body?: string;
}

export function rfc822(subject: string, body = `Body of ${subject}\r\n`) {
  return Buffer.from(`From: old@vpopmail.test\r\nTo: user@vpopmail.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@vpopmail.test>\r\n\r\n${body}`);
}

let sequence = 0;

/** Writes `messages` into the Maildir at `maildir` (cur/new/tmp for every folder) and sets their mtimes. */
export function writeMaildir(maildir: string, messages: FixtureMessage[], extraFolders: string[] = []) {
  for (const directory of ['', ...extraFolders, ...messages.map((m) => m.directory)]) {
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, directory, sub), { recursive: true });
  }
  for (const message of messages) {
    const path = join(maildir, message.directory, message.sub, message.fileName);
    writeFileSync(path, rfc822(message.subject, message.body));
    utimesSync(path, message.date, message.date);
  }
}

/** A Maildir file name as qmail/Courier write it, with the `:2,` flags (none in new/). */
export function maildirName(date: Date, letters: string | null) {
  sequence += 1;
  const base = `${Math.floor(date.getTime() / 1000)}.M${sequence}P${process.pid}.oldhost,S=100`;
  return letters === null ? base : `${base}:2,${letters}`;
}

export function message(folder: string, directory: string, subject: string, letters: string | null, flags: string[], date: Date, body?: string): FixtureMessage {
  return { folder, directory, sub: letters === null ? 'new' : 'cur', fileName: maildirName(date, letters), subject, flags, date, body };
}
