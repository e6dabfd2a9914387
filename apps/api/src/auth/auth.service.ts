import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PRISMA, type Database } from '../database/database.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import type { Actor } from '../common/actor.js';
import { hashPassword, needsRehash, verifyPassword } from '@schoolmail/mail-engine';
import { MailboxAccess } from './mailbox-access.js';
import { hashToken, newSecret, SESSION_TOKEN_PREFIX } from './principals.js';
import { LoginLimiter } from './login-limiter.js';

export const loginInput = z.object({
  username: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(1024),
});

// Compared against when the user does not exist, so a wrong username costs as much time as
// a wrong password and does not reveal which usernames exist.
const DUMMY_HASH = '{SCRYPT}$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const tooManyAttempts = (seconds: number) =>
  new AppError('TOO_MANY_REQUESTS', `too many failed sign-in attempts; try again in ${seconds} seconds`, { retryAfterSeconds: seconds });

@Injectable()
export class AuthService {
  private readonly limiter: LoginLimiter;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly mailboxes: MailboxAccess,
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
    if (wait > 0) throw tooManyAttempts(wait);
    const sessionOwner = username.includes('@') ? await this.verifyMailboxOwner(username, password, clientIp) : await this.verifyAdmin(username, password, clientIp);
    this.limiter.succeed(username);
    const token = SESSION_TOKEN_PREFIX + newSecret();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMinutes * 60_000);
    await this.prisma.session.create({
      data: { id: randomUUID(), tokenHash: hashToken(token), expiresAt, clientIp, ...sessionOwner },
    });
    return { accessToken: token, expiresAt: expiresAt.toISOString(), tokenType: 'Bearer', role: 'adminId' in sessionOwner ? 'admin' : 'user' };
  }

  private async verifyAdmin(username: string, password: string, clientIp: string | null) {
    const admin = await this.prisma.admin.findUnique({ where: { username } });
    const valid = await verifyPassword(password, admin?.passwordHash ?? DUMMY_HASH);
    if (!admin || !valid || admin.disabled) {
      this.limiter.fail(username, clientIp);
      throw new AppError('UNAUTHENTICATED', admin && valid ? 'this administrator is disabled' : 'wrong username or password');
    }
    if (needsRehash(admin.passwordHash)) await this.prisma.admin.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(password) } });
    return { adminId: admin.id };
  }

  /**
   * A mailbox owner's sign-in is a `webmail` login decided by the engine, like an IMAP login:
   * the local password or the domain's LDAP directory, and only while webmail is effective
   * (the reason says which level switched it off).
   */
  private async verifyMailboxOwner(username: string, password: string, clientIp: string | null) {
    const outcome = await this.mailboxes.access.login({ user: username, password, service: 'webmail', clientIp: clientIp ?? 'unknown' });
    if (outcome.ok) return { accountId: outcome.accountId };
    switch (outcome.reason) {
      case 'credentials':
        this.limiter.fail(username, clientIp);
        throw new AppError('UNAUTHENTICATED', 'wrong username or password');
      case 'rate-limited':
        throw tooManyAttempts(outcome.retryAfterSeconds);
      case 'unavailable':
        throw new AppError('DIRECTORY_UNAVAILABLE', `sign-in is not possible right now: ${outcome.message}`, { retryAfterSeconds: 30 });
      case 'disabled': {
        // A suspended mailbox or domain is not signed in at all (401); a service switched off is a refusal (403).
        const account = await this.prisma.account.findUnique({ where: { address: username.toLowerCase() }, include: { domain: true } });
        if (account && account.status !== 'active') throw new AppError('UNAUTHENTICATED', `this mailbox is ${account.status}`);
        if (account && account.domain.status !== 'active') throw new AppError('UNAUTHENTICATED', `the domain ${account.domain.name} is suspended`);
        throw new AppError('FORBIDDEN', outcome.message);
      }
    }
  }

  async logout(actor: Actor) {
    if (!actor.sessionId) throw AppError.invalid('authorization', 'API keys are revoked with DELETE /api/v1/api-keys/{id}, not logged out');
    await this.prisma.session.update({ where: { id: actor.sessionId }, data: { revokedAt: new Date() } });
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
