import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, PERMISSION_REGISTRY, probeAt, subject, type Permission } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { scopeOf } from '../auth/principals.js';
import { domainForField } from '../admins/grants.js';
import { createPermissionSetInput, listPermissionSetsQuery, updatePermissionSetInput } from './permission-set.schemas.js';

const setInclude = { domain: true } satisfies Prisma.PermissionSetInclude;
type PermissionSetRow = Prisma.PermissionSetGetPayload<{ include: typeof setInclude }>;

export function presentPermissionSet(row: PermissionSetRow) {
  return {
    name: row.name,
    description: row.description,
    permissions: row.permissions as Permission[],
    domain: row.domain?.name ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PermissionSetView = ReturnType<typeof presentPermissionSet>;

const isStaff = (actor: Actor) => actor.ability.can('manage', 'all');

@Injectable()
export class PermissionSetsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  private async visibleSet(db: Database | Tx, actor: Actor, name: string) {
    const row = await db.permissionSet.findFirst({
      where: { AND: [accessibleBy(actor.ability, 'read').PermissionSet, { name: name.trim().toLowerCase() }] },
      include: setInclude,
    });
    if (!row) throw AppError.notFound('permission set', name);
    return row;
  }

  /** A set owned by a domain holds only rights its author holds there (platform sets: staff). */
  private assertHoldsAll(actor: Actor, permissions: Permission[], domain: PermissionSetRow['domain']) {
    const scope = scopeOf(domain);
    for (const permission of permissions) {
      const held = scope ? actor.ability.can(permission.action, probeAt(permission.subject, scope, permission.action)) : isStaff(actor);
      if (!held) {
        throw new AppError('FORBIDDEN', `you cannot put ${permission.action}:${permission.subject} in a set: you do not hold it ${domain ? `in ${domain.name}` : 'platform-wide'}`);
      }
    }
  }

  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createPermissionSetInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      if (!input.domain && !isStaff(actor)) throw AppError.invalid('domain', 'is required: name the domain that owns the set');
      const domain = input.domain ? await domainForField(tx, actor, input.domain) : null;
      const scope = scopeOf(domain);
      ForbiddenError.from(actor.ability).throwUnlessCan('create', scope ? probeAt('PermissionSet', scope) : subject('PermissionSet', { domainId: null } as never));
      this.assertHoldsAll(actor, input.permissions, domain);
      if (await tx.permissionSet.findUnique({ where: { name: input.name } })) throw AppError.conflict(`permission set ${input.name} already exists`, 'name');
      const row = await tx.permissionSet.create({
        data: { name: input.name, description: input.description ?? null, permissions: input.permissions, domainId: domain?.id ?? null },
        include: setInclude,
      });
      const view = presentPermissionSet(row);
      await this.audit.record(tx, actor, { action: 'permission-set.create', subjectType: 'PermissionSet', subjectId: row.name, domain, after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listPermissionSetsQuery, rawQuery);
    const filters: Prisma.PermissionSetWhereInput[] = [accessibleBy(actor.ability, 'read').PermissionSet];
    if (query.q) filters.push({ name: { contains: query.q.toLowerCase() } });
    const page = keyset<PermissionSetRow>({ sortField: 'name', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.permissionSet.findMany({ where: { AND: [...filters, page.where] }, orderBy: page.orderBy as never, take: page.take, include: setInclude });
    return page.page(rows, presentPermissionSet);
  }

  async get(actor: Actor, name: string) {
    return presentPermissionSet(await this.visibleSet(this.prisma, actor, name));
  }

  /** Changing the permissions changes the rights of every holder of the set at once. */
  async update(actor: Actor, name: string, rawInput: unknown) {
    const input = parseInput(updatePermissionSetInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await this.visibleSet(tx, actor, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('PermissionSet', row));
      if (input.permissions) this.assertHoldsAll(actor, input.permissions, row.domain);
      const before = presentPermissionSet(row);
      const data: Prisma.PermissionSetUpdateInput = {};
      if (input.description !== undefined) data.description = input.description;
      if (input.permissions) data.permissions = input.permissions;
      const after = presentPermissionSet(await tx.permissionSet.update({ where: { id: row.id }, data, include: setInclude }));
      await this.audit.record(tx, actor, { action: 'permission-set.update', subjectType: 'PermissionSet', subjectId: row.name, domain: row.domain, before, after });
      return after;
    });
  }

  async remove(actor: Actor, name: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.visibleSet(tx, actor, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('PermissionSet', row));
      const assignments = await tx.roleAssignment.count({ where: { permissionSetId: row.id } });
      const keys = await tx.apiKey.count({ where: { permissionSetId: row.id, revokedAt: null } });
      if (assignments + keys > 0) {
        throw AppError.conflict(`permission set ${row.name} is still held by ${assignments} assignment(s) and ${keys} API key(s); remove them first`);
      }
      // Revoked keys keep their history in the audit log; they only lose the reference.
      await tx.apiKey.updateMany({ where: { permissionSetId: row.id }, data: { permissionSetId: null } });
      await tx.permissionSet.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, { action: 'permission-set.delete', subjectType: 'PermissionSet', subjectId: row.name, domain: row.domain, before: presentPermissionSet(row) });
    });
  }

  /** The registry for the console's set editor, marking what the actor could put in a set. */
  registry(actor: Actor) {
    const mayGrant = actor.principal.kind !== 'user';
    const items = PERMISSION_REGISTRY.map((entry) => ({
      action: entry.action,
      subject: entry.subject,
      description: entry.description,
      requires: entry.requires ?? [],
      grantable: mayGrant && actor.ability.can(entry.action, entry.subject),
    }));
    return { items, nextCursor: null };
  }
}
