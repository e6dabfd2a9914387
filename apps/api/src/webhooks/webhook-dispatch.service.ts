import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { loadSecretKey, SealedSecrets, WebhookDispatcher } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';

/**
 * Seals signing secrets and runs the outbox dispatcher for the life of the API process.
 * Every API process runs one; they share the outbox safely (see dispatcher.ts).
 */
@Injectable()
export class WebhookDispatchService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly secrets: SealedSecrets;
  private readonly dispatcher: WebhookDispatcher;

  constructor(@Inject(PRISMA) prisma: Database, @Inject(API_CONFIG) config: ApiConfig) {
    this.secrets = new SealedSecrets(loadSecretKey(config.dataDir));
    const logger = new Logger('webhooks');
    this.dispatcher = new WebhookDispatcher(prisma, this.secrets, (line) => logger.warn(line));
  }

  onApplicationBootstrap() {
    this.dispatcher.start();
  }

  async onApplicationShutdown() {
    await this.dispatcher.stop();
  }

  /** Sends due deliveries now rather than at the next poll. */
  wake() {
    this.dispatcher.wake();
  }
}
