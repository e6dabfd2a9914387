/**
 * The mail store imports write into: the engine's PrismaMailStore over this process's blob
 * store. Imports never watch folders, so its change listener is never started; IMAP sessions
 * in any engine process still hear of new messages through the database's notifications.
 */
import type { Provider } from '@nestjs/common';
import { ChangeListener, FileBlobStore, FolderWatchers, loadEffectiveSettings, PrismaMailStore, type MailStore } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';

export const MIGRATION_STORE = Symbol('MIGRATION_STORE');

const MB = 1024n * 1024n;

/** An import appends thousands of messages to one account: its quota limit is read once every few seconds, not per message. */
const QUOTA_CACHE_MS = 5_000;

export const migrationStoreProvider: Provider = {
  provide: MIGRATION_STORE,
  inject: [PRISMA, API_CONFIG],
  useFactory: (prisma: Database, config: ApiConfig): MailStore => {
    const quotaLimits = new Map<number, { limit: Promise<bigint | null>; until: number }>();
    return new PrismaMailStore({
      db: prisma,
      blobs: new FileBlobStore(prisma, { dataDir: config.dataDir }),
      watchers: new FolderWatchers(new ChangeListener('', () => {})),
      quotaLimit: (accountId) => {
        const known = quotaLimits.get(accountId);
        if (known && known.until > Date.now()) return known.limit;
        const limit = loadEffectiveSettings(prisma, [accountId]).then((all) => {
          const settings = all.get(accountId);
          return settings ? BigInt(settings.mailboxQuotaMb.value) * MB : null;
        });
        if (quotaLimits.size > 10_000) quotaLimits.clear();
        quotaLimits.set(accountId, { limit, until: Date.now() + QUOTA_CACHE_MS });
        return limit;
      },
    });
  },
};
