/**
 * The selected mailbox as this session has told its client about it: the sequence number to
 * UID map, and each message's flags as last reported. `sync` compares it with the store and
 * answers the untagged EXPUNGE, EXISTS and FETCH FLAGS lines that bring the client up to
 * date. EXPUNGE may be held back (RFC 3501 7.4.1: never during FETCH, STORE or SEARCH), in
 * which case the expunged messages stay in the map, numbered as the client knows them.
 */
import type { FolderInfo, MailStore, MessageMeta } from '../../mailstore/types.js';
import { resolveSequenceSet } from '../parser/sequence-set.js';
import type { SequenceSet } from '../types.js';

export interface Target {
  seq: number;
  uid: number;
  /** undefined for a message expunged by another session but not yet reported. */
  meta: MessageMeta | undefined;
}

const flagList = (flags: readonly string[]) => `(${flags.join(' ')})`;

export class SelectedFolder {
  private uids: number[] = [];
  private metas = new Map<number, MessageMeta>();
  private dirty = false;
  private syncing: Promise<unknown> = Promise.resolve();
  private readonly unwatch: () => void;

  constructor(
    readonly folder: FolderInfo,
    readonly readOnly: boolean,
    private readonly store: MailStore,
    onChange: () => void,
  ) {
    this.unwatch = store.watch(folder.id, () => {
      this.dirty = true;
      onChange();
    });
  }

  async load(): Promise<MessageMeta[]> {
    const messages = await this.store.messages(this.folder.id);
    this.uids = messages.map((m) => m.uid);
    this.metas = new Map(messages.map((m) => [m.uid, m]));
    return messages;
  }

  get exists(): number {
    return this.uids.length;
  }

  get uidList(): readonly number[] {
    return this.uids;
  }

  close(): void {
    this.unwatch();
  }

  /** The messages a sequence set names, by sequence number or by UID, in ascending order. */
  resolve(set: SequenceSet, byUid: boolean): Target[] {
    if (byUid) {
      const uids = resolveSequenceSet(set, this.uids, this.uids.at(-1) ?? 0);
      return uids.map((uid) => ({ seq: this.seqOf(uid), uid, meta: this.metas.get(uid) }));
    }
    const seqs = resolveSequenceSet(set, this.uids.map((_, i) => i + 1), this.uids.length);
    return seqs.map((seq) => ({ seq, uid: this.uids[seq - 1]!, meta: this.metas.get(this.uids[seq - 1]!) }));
  }

  /** True when a sequence set names numbers beyond the mailbox (RFC 3501: BAD). */
  outOfRange(set: SequenceSet): boolean {
    return set.some(({ from, to }) => (from !== '*' && from > this.uids.length) || (to !== '*' && to > this.uids.length) || (this.uids.length === 0 && (from === '*' || to === '*')));
  }

  /** The message as last reported; undefined once expunged. */
  meta(uid: number): MessageMeta | undefined {
    return this.metas.get(uid);
  }

  seqOf(uid: number): number {
    let low = 0;
    let high = this.uids.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.uids[middle]!;
      if (value === uid) return middle + 1;
      if (value < uid) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }

  /** This session added messages to the folder (APPEND, COPY): they are reported after the command, not when the notification arrives. */
  changed(): void {
    this.dirty = true;
  }

  /** Records messages as this session changed and reported them (its own STORE). */
  updated(messages: MessageMeta[]): void {
    for (const meta of messages) if (this.metas.has(meta.uid)) this.metas.set(meta.uid, meta);
  }

  /** Removes messages this session expunged itself; answers the EXPUNGE lines, highest sequence number first. */
  removed(uids: number[]): string[] {
    const seqs = uids.map((uid) => this.seqOf(uid)).filter((seq) => seq > 0).sort((a, b) => b - a);
    for (const seq of seqs) {
      this.metas.delete(this.uids[seq - 1]!);
      this.uids.splice(seq - 1, 1);
    }
    return seqs.map((seq) => `${seq} EXPUNGE`);
  }

  /** The untagged lines (without "* ") that bring the client up to date; one sync at a time. */
  sync(allowExpunge: boolean): Promise<string[]> {
    const run = this.syncing.then(() => this.compare(allowExpunge));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async compare(allowExpunge: boolean): Promise<string[]> {
    if (!this.dirty) return [];
    this.dirty = false;
    const current = await this.store.messages(this.folder.id);
    const byUid = new Map(current.map((m) => [m.uid, m]));
    const lines: string[] = [];
    const gone = this.uids.filter((uid) => !byUid.has(uid));
    if (gone.length && allowExpunge) lines.push(...this.removed(gone));
    else if (gone.length) {
      // Reported at the next command that may expunge; until then FETCH has nothing to show for them.
      for (const uid of gone) this.metas.delete(uid);
      this.dirty = true;
    }
    const last = this.uids.at(-1) ?? 0;
    const arrived = current.filter((m) => m.uid > last);
    for (const meta of current) {
      const known = this.metas.get(meta.uid);
      if (!known) continue;
      if (known.flags.length !== meta.flags.length || known.flags.some((flag, i) => flag !== meta.flags[i])) {
        lines.push(`${this.seqOf(meta.uid)} FETCH (UID ${meta.uid} FLAGS ${flagList(meta.flags)})`);
      }
      this.metas.set(meta.uid, meta);
    }
    if (arrived.length) {
      for (const meta of arrived) {
        this.uids.push(meta.uid);
        this.metas.set(meta.uid, meta);
      }
      lines.push(`${this.uids.length} EXISTS`);
    }
    return lines;
  }
}
