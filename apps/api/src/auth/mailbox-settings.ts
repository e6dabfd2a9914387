/**
 * Mailbox owners' effective settings in the API process, kept by the engine's settings cache
 * and one LISTEN connection (an administrator's change reaches every node within the
 * notification's latency). Shared by everything here that decides on a mailbox: sign-in and
 * every request of a self-service session (only while webmail is effective), and the nginx
 * auth endpoint, which runs even on nodes without a mail engine.
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChangeListener, databaseUrlOf, refusalReason, SettingsCache } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';

@Injectable()
export class MailboxSettings implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('mailbox-settings');
  /** The notification connection, for other caches of this process to subscribe to. */
  readonly changes: ChangeListener | null;
  private readonly cache: SettingsCache;

  constructor(@Inject(PRISMA) prisma: Database, @Inject(API_CONFIG) config: ApiConfig) {
    const databaseUrl = config.databaseUrl ?? databaseUrlOf(prisma);
    this.changes = databaseUrl ? new ChangeListener(databaseUrl, (line) => this.logger.warn(line)) : null;
    this.cache = new SettingsCache(prisma, this.changes, (line) => this.logger.warn(line));
  }

  async onModuleInit() {
    // Not yet listening only means no caching: every lookup reads the database until it is.
    await this.changes?.start().catch((error: unknown) => this.logger.warn(`settings notifications: ${String(error)}; retrying`));
  }

  async onModuleDestroy() {
    this.cache.close();
    await this.changes?.stop();
  }

  /** Why webmail (the console's self-service) is off for the account, or null while it is effective. */
  async webmailRefusal(accountId: number): Promise<string | null> {
    const settings = await this.cache.get(accountId);
    return settings ? refusalReason(settings, 'webmail') : 'this mailbox no longer exists';
  }
}
