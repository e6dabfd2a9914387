/**
 * nginx's auth_http requests: first who may ask (the shared secret and the allowed
 * networks), then the login through the engine's MailAccess, as a direct login would be
 * decided (local or LDAP, the same throttle per client and per account).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  answerNginxAuth,
  ChangeListener,
  databaseUrlOf,
  DirectoryLogins,
  findNetwork,
  PrismaMailAccess,
  SealedSecrets,
  type NginxAuthAnswer,
  type NginxAuthRequest,
} from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';
import { CLUSTER_SETTINGS, type ClusterSettings } from './cluster.settings.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

@Injectable()
export class NginxAuthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('nginx-auth');
  private readonly access: PrismaMailAccess;
  private readonly changes: ChangeListener | null;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) config: ApiConfig,
    @Inject(CLUSTER_SETTINGS) private readonly settings: ClusterSettings,
    secrets: SealedSecrets,
  ) {
    // Its own MailAccess (this process may run no engine: role api), with the engine's
    // settings cache, which PostgreSQL notifications keep current on every node.
    const databaseUrl = config.databaseUrl ?? databaseUrlOf(prisma);
    this.changes = databaseUrl ? new ChangeListener(databaseUrl, (line) => this.logger.warn(line)) : null;
    this.access = new PrismaMailAccess(prisma, {
      changes: this.changes,
      directory: new DirectoryLogins({ secrets }),
      log: (line) => this.logger.warn(line),
    });
  }

  async onModuleInit() {
    // Not yet listening only means no caching: every login reads the settings until it is.
    await this.changes?.start().catch((error: unknown) => this.logger.warn(`settings notifications: ${String(error)}; retrying`));
  }

  async onModuleDestroy() {
    this.access.close();
    await this.changes?.stop();
  }

  /** Throws 403 unless the caller is an allowed network and sent the secret. */
  checkCaller(peerAddress: string | undefined, secret: string | undefined) {
    if (!findNetwork(this.settings.nginxAuthNetworks, peerAddress)) {
      this.logger.warn(`refused an auth request from ${peerAddress ?? 'an unknown address'}: not in SCHOOLMAIL_NGINX_AUTH_NETWORKS`);
      throw new AppError('FORBIDDEN', 'this address may not use the mail proxy authentication endpoint');
    }
    const expected = this.settings.nginxAuthSecret;
    if (!expected || secret === undefined || !timingSafeEqual(digest(secret), digest(expected))) {
      this.logger.warn(`refused an auth request from ${peerAddress}: ${expected ? 'wrong or missing' : 'no SCHOOLMAIL_NGINX_AUTH_SECRET configured, so every'} shared secret`);
      throw new AppError('FORBIDDEN', 'missing or wrong mail proxy secret');
    }
  }

  answer(request: NginxAuthRequest): Promise<NginxAuthAnswer> {
    return answerNginxAuth(
      { db: this.prisma, access: this.access, staleSeconds: this.settings.staleSeconds, preferNodeId: this.settings.nodeId },
      request,
    );
  }
}
