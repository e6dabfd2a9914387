/**
 * nginx's auth_http requests: first who may ask (the shared secret and the allowed
 * networks), then the login through the engine's MailAccess, as a direct login would be
 * decided (local or LDAP, the same throttle per client and per account).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  answerNginxAuth,
  DirectoryLogins,
  findNetwork,
  PrismaMailAccess,
  SealedSecrets,
  type NginxAuthAnswer,
  type NginxAuthRequest,
} from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';
import { PRISMA, type Database } from '../database/database.js';
import { CLUSTER_SETTINGS, type ClusterSettings } from './cluster.settings.js';
import { MailboxSettings } from '../auth/mailbox-settings.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

@Injectable()
export class NginxAuthService implements OnModuleDestroy {
  private readonly logger = new Logger('nginx-auth');
  private readonly access: PrismaMailAccess;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(CLUSTER_SETTINGS) private readonly settings: ClusterSettings,
    secrets: SealedSecrets,
    mailboxSettings: MailboxSettings,
  ) {
    // Its own MailAccess (this process may run no engine: role api), with the engine's
    // settings cache, kept current by the process's settings notifications.
    this.access = new PrismaMailAccess(prisma, {
      changes: mailboxSettings.changes,
      directory: new DirectoryLogins({ secrets }),
      log: (line) => this.logger.warn(line),
    });
  }

  onModuleDestroy() {
    this.access.close();
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
