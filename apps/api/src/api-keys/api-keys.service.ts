import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { API_KEY_PREFIX, hashToken, newSecret } from '../auth/principals.js';
import { idParam } from '../admins/admin.schemas.js';
import { assertMayGrant, presentGrantColumns, resolveGrant } from '../admins/grants.js';
import { createApiKeyInput, listApiKeysQuery } from './api-key.schemas.js';

const keyInclude = { domain: true, permissionSet: true, createdBy: { select: { username: true } } } satisfies Prisma.ApiKeyInclude;
type ApiKeyRow = Prisma.ApiKeyGetPayload<{ include: typeof keyInclude }>;

/** Never the secret nor its hash: only the prefix, which identifies a key in logs and lists. */
export function presentApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: `${API_KEY_PREFIX}${row.prefix}`,
    ...presentGrantColumns(row),
    createdBy: row.createdBy?.username ?? null,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
export type ApiKeyView = ReturnType<typeof presentApiKey>;

const creatorId = (actor: Actor) => (actor.principal.kind === 'admin' ? actor.principal.adminId : null);

/** The keys an actor may see: those in its scope, and those it issued itself. */
function visibleKeys(actor: Actor): Prisma.ApiKeyWhereInput {
  const mine = creatorId(actor);
  const inScope = accessibleBy(actor.ability, 'read').ApiKey;
  return mine === null ? inScope : { OR: [inScope, { createdById: mine }] };
}

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  /**
   * Issues a key for a role or permission set over a domain subtree. The secret is the
   * whole token `smk_<prefix>.<random>`; only its hash is stored, so it is shown this once.
   */
  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createApiKeyInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const { grant, domain, columns } = await resolveGrant(tx, actor, input);
      assertMayGrant(actor, 'ApiKey', 'create', grant);
      const prefix = randomBytes(9).toString('base64url');
      const token = `${API_KEY_PREFIX}${prefix}.${newSecret()}`;
      const row = await tx.apiKey.create({
        data: { name: input.name, prefix, secretHash: hashToken(token), ...columns, createdById: creatorId(actor) },
        include: keyInclude,
      });
      const view = presentApiKey(row);
      await this.audit.record(tx, actor, { action: 'api-key.create', subjectType: 'ApiKey', subjectId: row.id, domain, after: view });
      return { ...view, secret: token };
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listApiKeysQuery, rawQuery);
    const filters: Prisma.ApiKeyWhereInput[] = [visibleKeys(actor)];
    if (query.q) filters.push({ name: { contains: query.q, mode: 'insensitive' } });
    if (query.revoked) filters.push({ revokedAt: query.revoked === 'true' ? { not: null } : null });
    const page = keyset<ApiKeyRow>({ sortField: 'id', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.apiKey.findMany({ where: { AND: [...filters, page.where] }, orderBy: page.orderBy as never, take: page.take, include: keyInclude });
    return page.page(rows, presentApiKey);
  }

  private async visibleKey(db: Database | Tx, actor: Actor, rawId: string | number) {
    const id = idParam(rawId, 'API key');
    const row = await db.apiKey.findFirst({ where: { AND: [visibleKeys(actor), { id }] }, include: keyInclude });
    if (!row) throw AppError.notFound('API key', String(rawId));
    return row;
  }

  async get(actor: Actor, rawId: string | number) {
    return presentApiKey(await this.visibleKey(this.prisma, actor, rawId));
  }

  /** Revokes at once: every request authenticates the key afresh, nothing caches it. */
  async revoke(actor: Actor, rawId: string | number) {
    return this.prisma.$transaction(async (tx) => {
      const row = await this.visibleKey(tx, actor, rawId);
      if (row.createdById === null || row.createdById !== creatorId(actor)) {
        ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('ApiKey', row));
      }
      if (row.revokedAt) return presentApiKey(row);
      const revoked = await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() }, include: keyInclude });
      const after = presentApiKey(revoked);
      await this.audit.record(tx, actor, { action: 'api-key.revoke', subjectType: 'ApiKey', subjectId: row.id, domain: row.domain, before: presentApiKey(row), after });
      return after;
    });
  }
}
