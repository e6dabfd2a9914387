/**
 * The maildrop of one POP3 session: the INBOX as it was at login (RFC 1939 section 4: the
 * message numbers stay fixed for the session), with the messages marked by DELE. Nothing
 * is removed from the store until QUIT (UPDATE state).
 */
import type { MessageMeta } from '../mailstore/types.js';

export interface MaildropMessage {
  number: number;
  meta: MessageMeta;
  /** Stable across sessions: the folder's UIDVALIDITY and the message's UID (RFC 1939 section 7: 0x21-0x7E, at most 70). */
  uidl: string;
}

export class Maildrop {
  private readonly entries: MaildropMessage[];
  private readonly deleted = new Set<number>();

  constructor(
    readonly folderId: number | null,
    uidValidity: number,
    messages: readonly MessageMeta[],
  ) {
    this.entries = messages.map((meta, i) => ({ number: i + 1, meta, uidl: `${uidValidity}.${meta.uid}` }));
  }

  static empty(): Maildrop {
    return new Maildrop(null, 0, []);
  }

  /** The message with this number, unless it does not exist or is marked deleted. */
  get(number: number): MaildropMessage | null {
    const entry = this.entries[number - 1];
    return entry && !this.deleted.has(number) ? entry : null;
  }

  /** Messages at login, marked or not: the highest message number. */
  get size(): number {
    return this.entries.length;
  }

  live(): MaildropMessage[] {
    return this.entries.filter((entry) => !this.deleted.has(entry.number));
  }

  totalOctets(): number {
    return this.live().reduce((sum, entry) => sum + entry.meta.size, 0);
  }

  markDeleted(number: number) {
    this.deleted.add(number);
  }

  unmarkAll() {
    this.deleted.clear();
  }

  deletedUids(): number[] {
    return [...this.deleted].map((number) => this.entries[number - 1]!.meta.uid);
  }
}

/**
 * One POP3 session per maildrop at a time in this process (RFC 1939 section 8 asks for an
 * exclusive-access lock); a second login answers -ERR [IN-USE]. IMAP sessions are not
 * locked out: the store keeps UIDs stable whoever changes the folder.
 */
export class MaildropLocks {
  private readonly held = new Set<number>();

  tryLock(accountId: number): boolean {
    if (this.held.has(accountId)) return false;
    this.held.add(accountId);
    return true;
  }

  release(accountId: number) {
    this.held.delete(accountId);
  }
}
