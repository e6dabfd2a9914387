import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SealedSecrets, WebhookDispatcher } from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';

/**
 * Runs the outbox dispatcher for the life of the API process.
 * Every API process runs one; they share the outbox safely (see dispatcher.ts).
 */
@Injectable()
export class WebhookDispatchService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly dispatcher: WebhookDispatcher;

  constructor(
    @Inject(PRISMA) prisma: Database,
    readonly secrets: SealedSecrets,
  ) {
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
