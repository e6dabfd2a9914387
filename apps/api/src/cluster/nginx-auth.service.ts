/**
 * nginx's auth_http requests: first who may ask (the shared secret and the allowed
 * networks), then the login through the engine's MailAccess, as a direct login would be
 * decided (local or LDAP, the same throttle per client and per account).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  answerNginxAuth,
  findNetwork,
  type NginxAuthAnswer,
  type NginxAuthRequest,
} from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';
import { PRISMA, type Database } from '../database/database.js';
import { CLUSTER_SETTINGS, type ClusterSettings } from './cluster.settings.js';
import { MailboxAccess } from '../auth/mailbox-access.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

@Injectable()
export class NginxAuthService {
  private readonly logger = new Logger('nginx-auth');

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(CLUSTER_SETTINGS) private readonly settings: ClusterSettings,
    private readonly mailboxes: MailboxAccess,
  ) {}

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
      { db: this.prisma, access: this.mailboxes.access, staleSeconds: this.settings.staleSeconds, preferNodeId: this.settings.nodeId },
      request,
    );
  }
}
