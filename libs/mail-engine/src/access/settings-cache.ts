/**
 * Effective settings per account, kept while the change listener is connected and dropped
 * when the database says they changed (NOTIFY on schoolmail_settings, see
 * prisma/routines/002_change_notifications.sql): an administrator's change is seen within
 * the notification's latency, on every process. Without a listening connection nothing can
 * tell us about changes, so nothing is kept (every lookup reads the database).
 */
import type { ChangeListener } from '../notify/change-listener.js';
import { parseIds, SETTINGS_CHANNEL } from '../notify/channels.js';
import { loadEffectiveSettings, type SettingsDb } from '../settings/load-settings.js';
import type { EffectiveSettings } from '../settings/resolve-settings.js';
import type { SettingsChange } from './types.js';

const MAX_ENTRIES = 100_000;
/** A safety net should a notification ever go astray: nothing is kept longer than this. */
const MAX_AGE_MS = 5 * 60_000;

export class SettingsCache {
  private readonly entries = new Map<number, { value: Promise<EffectiveSettings | null>; loadedAt: number }>();
  private readonly listeners = new Set<(change: SettingsChange) => void>();
  private readonly unsubscribe: (() => void) | null;

  constructor(
    private readonly db: SettingsDb,
    private readonly changes: ChangeListener | null,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.unsubscribe =
      changes?.subscribe(SETTINGS_CHANNEL, {
        notified: (payload) => {
          const ids = parseIds(payload);
          this.invalidate(ids === 'all' ? 'all' : { accountIds: ids });
        },
        missed: () => this.invalidate('all'),
      }) ?? null;
  }

  get(accountId: number): Promise<EffectiveSettings | null> {
    const now = Date.now();
    const trusted = this.changes?.connected === true;
    const hit = this.entries.get(accountId);
    if (trusted && hit && now - hit.loadedAt < MAX_AGE_MS) return hit.value;
    const value = loadEffectiveSettings(this.db, [accountId]).then((found) => found.get(accountId) ?? null);
    if (trusted) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      const entry = { value, loadedAt: now };
      this.entries.set(accountId, entry);
      // A failed load is not kept.
      value.catch(() => {
        if (this.entries.get(accountId) === entry) this.entries.delete(accountId);
      });
    }
    return value;
  }

  /** Forgets what changed and tells the subscribers. */
  invalidate(change: SettingsChange): void {
    if (change === 'all') this.entries.clear();
    else for (const id of change.accountIds) this.entries.delete(id);
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.log(`access: settings subscriber failed: ${String(error)}`);
      }
    }
  }

  onChanged(listener: (change: SettingsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe?.();
    this.entries.clear();
    this.listeners.clear();
  }
}
