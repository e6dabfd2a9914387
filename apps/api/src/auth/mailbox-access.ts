/**
 * The engine's mailbox access decision in the API process: who may log in to a mailbox
 * (local password or the domain's LDAP directory, with the engine's rate limits) and whether a
 * service is effective for it, from the engine's settings cache, which one LISTEN connection
 * keeps current (an administrator's change reaches every node within the notification's
 * latency). Used by the sign-in of mailbox owners, every request of their sessions (only while
 * webmail is effective), and the nginx auth endpoint, which runs even on nodes without a mail
 * engine (role api).
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChangeListener, databaseUrlOf, DirectoryLogins, loadEngineConfig, loginLimitsOf, PrismaMailAccess, SealedSecrets } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';

@Injectable()
export class MailboxAccess implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('mailbox-access');
  private readonly changes: ChangeListener | null;
  readonly access: PrismaMailAccess;

  constructor(@Inject(PRISMA) prisma: Database, @Inject(API_CONFIG) config: ApiConfig, secrets: SealedSecrets) {
    const databaseUrl = config.databaseUrl ?? databaseUrlOf(prisma);
    this.changes = databaseUrl ? new ChangeListener(databaseUrl, (line) => this.logger.warn(line)) : null;
    this.access = new PrismaMailAccess(prisma, {
      changes: this.changes,
      directory: new DirectoryLogins({ secrets }),
      // The engine's limits, so a school behind one address is treated alike in webmail and IMAP.
      limits: loginLimitsOf(loadEngineConfig()),
      log: (line) => this.logger.warn(line),
    });
  }

  async onModuleInit() {
    // Not yet listening only means no caching: every lookup reads the database until it is.
    await this.changes?.start().catch((error: unknown) => this.logger.warn(`settings notifications: ${String(error)}; retrying`));
  }

  async onModuleDestroy() {
    this.access.close();
    await this.changes?.stop();
  }
}
