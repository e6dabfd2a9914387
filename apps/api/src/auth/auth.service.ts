import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PRISMA, type Database } from '../database/database.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import type { Actor } from '../common/actor.js';
import { hashPassword, needsRehash, verifyPassword } from '@schoolmail/mail-engine';
import { MailboxSettings } from './mailbox-settings.js';
import { hashToken, newSecret, SESSION_TOKEN_PREFIX } from './principals.js';
import { LoginLimiter } from './login-limiter.js';

export const loginInput = z.object({
  username: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(1024),
});

// Compared against when the user does not exist, so a wrong username costs as much time as
// a wrong password and does not reveal which usernames exist.
const DUMMY_HASH = '{SCRYPT}$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  private readonly limiter: LoginLimiter;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly mailboxSettings: MailboxSettings,
  ) {
    this.limiter = new LoginLimiter(config.loginWindowMinutes * 60_000, config.loginFailuresPerUser, config.loginFailuresPerAddress);
  }

  /**
   * Admins sign in with their username; mailbox owners with their address (role `user`).
   * Failed attempts are counted per username and per client address.
   */
  async login(rawInput: unknown, clientIp: string | null) {
    const { username, password } = parseInput(loginInput, rawInput);
    const wait = this.limiter.retryAfter(username, clientIp);
    if (wait > 0) {
      throw new AppError('TOO_MANY_REQUESTS', `too many failed sign-in attempts; try again in ${wait} seconds`, { retryAfterSeconds: wait });
    }
    const owner = username.includes('@') ? await this.findAccount(username) : await this.findAdmin(username);
    const valid = await verifyPassword(password, owner?.passwordHash ?? DUMMY_HASH);
    if (!owner || !valid || !owner.active) {
      this.limiter.fail(username, clientIp);
      throw new AppError('UNAUTHENTICATED', owner && valid ? owner.inactiveReason : 'wrong username or password');
    }
    this.limiter.succeed(username);
    const refusal = await owner.refusal();
    if (refusal) throw new AppError('FORBIDDEN', refusal);
    if (needsRehash(owner.passwordHash)) await owner.savePasswordHash(await hashPassword(password));
    const token = SESSION_TOKEN_PREFIX + newSecret();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMinutes * 60_000);
    await this.prisma.session.create({
      data: { id: randomUUID(), tokenHash: hashToken(token), expiresAt, clientIp, ...owner.sessionOwner },
    });
    return { accessToken: token, expiresAt: expiresAt.toISOString(), tokenType: 'Bearer', role: owner.role };
  }

  async logout(actor: Actor) {
    if (!actor.sessionId) throw AppError.invalid('authorization', 'API keys are revoked with DELETE /api/v1/api-keys/{id}, not logged out');
    await this.prisma.session.update({ where: { id: actor.sessionId }, data: { revokedAt: new Date() } });
  }

  private async findAdmin(username: string) {
    const admin = await this.prisma.admin.findUnique({ where: { username } });
    if (!admin) return null;
    return {
      passwordHash: admin.passwordHash,
      active: !admin.disabled,
      inactiveReason: 'this administrator is disabled',
      role: 'admin',
      sessionOwner: { adminId: admin.id },
      refusal: async (): Promise<string | null> => null,
      savePasswordHash: (passwordHash: string) => this.prisma.admin.update({ where: { id: admin.id }, data: { passwordHash } }),
    };
  }

  private async findAccount(address: string) {
    const account = await this.prisma.account.findUnique({ where: { address: address.toLowerCase() }, include: { domain: true } });
    if (!account) return null;
    const active = account.status === 'active' && account.domain.status === 'active';
    return {
      passwordHash: account.passwordHash,
      active,
      inactiveReason: account.status !== 'active' ? `this mailbox is ${account.status}` : `the domain ${account.domain.name} is suspended`,
      role: 'user',
      sessionOwner: { accountId: account.id },
      /** Mailbox owners sign in only while `webmail` is effective for them; the reason says which level switched it off. */
      refusal: () => this.mailboxSettings.webmailRefusal(account.id),
      savePasswordHash: (passwordHash: string) => this.prisma.account.update({ where: { id: account.id }, data: { passwordHash } }),
    };
  }

  async whoAmI(actor: Actor) {
    const p = actor.principal;
    return {
      kind: p.kind,
      name: p.name,
      role: actor.role,
      grants: p.kind === 'user' ? [] : p.grants.map((g) => ('role' in g ? { role: g.role, domain: g.scope?.name ?? null } : { permissionSet: g.permissionSet, domain: g.scope.name })),
      rules: actor.ability.rules.map((rule) => ({ action: rule.action, subject: rule.subject, inverted: rule.inverted ?? false })),
    };
  }
}
