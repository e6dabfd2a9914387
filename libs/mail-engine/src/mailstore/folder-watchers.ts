/**
 * `MailStore.watch`: listeners per folder, told after any committed change to the folder in
 * any process. The database triggers (prisma/routines/002_change_notifications.sql) NOTIFY
 * the changed folder ids on commit; the engine's change listener hands them here. When
 * notifications may have been missed (the listening connection dropped), every watcher is
 * told, so sessions look again rather than miss a message.
 */
import type { ChangeListener } from '../notify/change-listener.js';
import { FOLDERS_CHANNEL, parseIds } from '../notify/channels.js';

export class FolderWatchers {
  private readonly listeners = new Map<number, Set<() => void>>();
  private readonly unsubscribe: () => void;

  constructor(
    changes: ChangeListener,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.unsubscribe = changes.subscribe(FOLDERS_CHANNEL, {
      notified: (payload) => {
        const ids = parseIds(payload);
        this.tell(ids === 'all' ? [...this.listeners.keys()] : ids);
      },
      missed: () => this.tell([...this.listeners.keys()]),
    });
  }

  watch(folderId: number, listener: () => void): () => void {
    let set = this.listeners.get(folderId);
    if (!set) {
      set = new Set();
      this.listeners.set(folderId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(folderId) === set) this.listeners.delete(folderId);
    };
  }

  private tell(folderIds: number[]) {
    for (const id of folderIds) {
      for (const listener of [...(this.listeners.get(id) ?? [])]) {
        try {
          listener();
        } catch (error) {
          this.log(`mailstore: watcher of folder ${id} failed: ${String(error)}`);
        }
      }
    }
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
