import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, canGrant, ForbiddenError, subject } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { hashPassword } from '@schoolmail/mail-engine';
import { grantOf } from '../auth/principals.js';
import { createAdminInput, idParam, listAdminsQuery, updateAdminInput } from './admin.schemas.js';
import { adminAuthorizationInclude, adminViewInclude, presentAdmin, type AdminRow } from './admin.view.js';
import { actorHome } from './grants.js';

const selfId = (actor: Actor) => (actor.principal.kind === 'admin' ? actor.principal.adminId : null);

/** The domain an event about `admin` is filed under: one of its domains, else the actor's own. */
function auditDomainOf(actor: Actor, admin: AdminRow) {
  const visible = admin.assignments.find((a) => a.domain && actor.ability.can('read', subject('RoleAssignment', a)));
  return visible?.domain ? { id: visible.domain.id, path: visible.domain.path } : actorHome(actor);
}

@Injectable()
export class AdminsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  private async view(db: Database | Tx, actor: Actor, id: number) {
    const row = await db.admin.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Admin, { id }] }, include: adminViewInclude(actor.ability) });
    if (!row) throw AppError.notFound('administrator', String(id));
    return presentAdmin(row);
  }

  /** An admin the actor can see, with all its assignments; 404 otherwise. */
  async visibleAdmin(db: Database | Tx, actor: Actor, rawId: string | number) {
    const id = idParam(rawId, 'administrator');
    const row = await db.admin.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Admin, { id }] }, include: adminAuthorizationInclude });
    if (!row) throw AppError.notFound('administrator', String(rawId));
    return row;
  }

  /**
   * Changing another admin's password, disabling or deleting it acts on every right it
   * holds, so the actor must be able to grant each of them (a postmaster cannot take over
   * a peer postmaster, nor an admin who also holds rights in another district).
   */
  private assertCovers(actor: Actor, row: AdminRow) {
    for (const assignment of row.assignments) {
      const grant = grantOf(assignment);
      if (grant ? !canGrant(actor.principal, actor.ability, grant) : !actor.ability.can('manage', 'all')) {
        throw new AppError('FORBIDDEN', `administrator ${row.username} holds rights beyond yours`);
      }
    }
  }

  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createAdminInput, rawInput);
    const passwordHash = await hashPassword(input.password);
    return this.prisma.$transaction(async (tx) => {
      ForbiddenError.from(actor.ability).throwUnlessCan('create', 'Admin');
      if (await tx.admin.findUnique({ where: { username: input.username } })) {
        throw AppError.conflict(`administrator ${input.username} already exists`, 'username');
      }
      const created = await tx.admin.create({
        data: { username: input.username, passwordHash, displayName: input.displayName ?? null, createdById: selfId(actor) },
        include: adminAuthorizationInclude,
      });
      const view = presentAdmin(created);
      await this.audit.record(tx, actor, { action: 'admin.create', subjectType: 'Admin', subjectId: created.id, domain: actorHome(actor), after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listAdminsQuery, rawQuery);
    const filters: Prisma.AdminWhereInput[] = [accessibleBy(actor.ability, 'read').Admin];
    if (query.q) {
      filters.push({ OR: [{ username: { contains: query.q.toLowerCase() } }, { displayName: { contains: query.q, mode: 'insensitive' } }] });
    }
    const page = keyset<AdminRow>({ sortField: 'username', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.admin.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: adminViewInclude(actor.ability),
    });
    return page.page(rows as unknown as AdminRow[], presentAdmin);
  }

  async get(actor: Actor, rawId: string | number) {
    return this.view(this.prisma, actor, idParam(rawId, 'administrator'));
  }

  async update(actor: Actor, rawId: string | number, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(updateAdminInput, rawInput);
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return this.prisma.$transaction(async (tx) => {
      const row = await this.visibleAdmin(tx, actor, rawId);
      const isSelf = row.id === selfId(actor);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Admin', row));
      if (!isSelf) this.assertCovers(actor, row);
      if (isSelf && input.disabled) throw AppError.conflict('you cannot disable yourself', 'disabled');
      assertVersion(row.version, expectedVersion);
      const before = presentAdmin(row);
      const data: Prisma.AdminUpdateManyMutationInput = { version: { increment: 1 } };
      if (input.displayName !== undefined) data.displayName = input.displayName;
      if (input.disabled !== undefined) data.disabled = input.disabled;
      if (passwordHash) data.passwordHash = passwordHash;
      const updated = await tx.admin.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the administrator changed while this update ran; read it again and retry');
      if (passwordHash || input.disabled) {
        // A new password or a disabled account ends the other sign-ins at once.
        await tx.session.updateMany({
          where: { adminId: row.id, revokedAt: null, ...(actor.sessionId ? { id: { not: actor.sessionId } } : {}) },
          data: { revokedAt: new Date() },
        });
      }
      const after = await this.view(tx, actor, row.id);
      await this.audit.record(tx, actor, {
        action: passwordHash ? 'admin.update.password' : 'admin.update',
        subjectType: 'Admin',
        subjectId: row.id,
        domain: auditDomainOf(actor, row),
        before,
        after,
      });
      return after;
    });
  }

  async remove(actor: Actor, rawId: string | number) {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.visibleAdmin(tx, actor, rawId);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Admin', row));
      if (row.id === selfId(actor)) throw AppError.conflict('you cannot delete yourself');
      this.assertCovers(actor, row);
      await tx.admin.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, {
        action: 'admin.delete',
        subjectType: 'Admin',
        subjectId: row.id,
        domain: auditDomainOf(actor, row),
        before: presentAdmin(row),
      });
    });
  }
}
