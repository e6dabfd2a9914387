import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy } from '@schoolmail/rbac';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { grantOf } from '../auth/principals.js';
import { AdminsService } from './admins.service.js';
import { assignmentInput, idParam } from './admin.schemas.js';
import { presentAssignment } from './admin.view.js';
import { assertMayGrant, CANNOT_GRANT, grantRowInclude, resolveGrant } from './grants.js';

/** Delegation: who holds which role or permission set over which domain subtree. */
/** An administrator's representation lists its assignments: changing them is a new version (ETag) of it. */
const bumpAdminVersion = (tx: Tx, adminId: number) => tx.admin.update({ where: { id: adminId }, data: { version: { increment: 1 } } });

@Injectable()
export class AssignmentsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly admins: AdminsService,
  ) {}

  async list(actor: Actor, rawAdminId: string | number) {
    const admin = await this.admins.visibleAdmin(this.prisma, actor, rawAdminId);
    const rows = await this.prisma.roleAssignment.findMany({
      where: { AND: [accessibleBy(actor.ability, 'read').RoleAssignment, { adminId: admin.id }] },
      include: grantRowInclude,
      orderBy: { id: 'asc' },
    });
    // An admin holds a handful of assignments: one page, always complete.
    return { items: rows.map(presentAssignment), nextCursor: null };
  }

  async assign(actor: Actor, rawAdminId: string | number, rawInput: unknown) {
    const input = parseInput(assignmentInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const admin = await this.admins.visibleAdmin(tx, actor, rawAdminId);
      const { grant, domain, columns } = await resolveGrant(tx, actor, input);
      assertMayGrant(actor, 'RoleAssignment', 'create', grant);
      const existing = await tx.roleAssignment.findFirst({ where: { adminId: admin.id, ...columns } });
      if (existing) throw AppError.conflict(`${admin.username} already holds this assignment (id ${existing.id})`);
      const created = await tx.roleAssignment.create({
        data: { adminId: admin.id, ...columns, grantedById: actor.principal.kind === 'admin' ? actor.principal.adminId : null },
        include: grantRowInclude,
      });
      await bumpAdminVersion(tx, admin.id);
      const view = presentAssignment(created);
      await this.audit.record(tx, actor, {
        action: 'assignment.create',
        subjectType: 'RoleAssignment',
        subjectId: created.id,
        domain,
        after: { admin: admin.username, ...view },
      });
      return view;
    });
  }

  async remove(actor: Actor, rawAdminId: string | number, rawAssignmentId: string | number) {
    const adminId = idParam(rawAdminId, 'administrator');
    const assignmentId = idParam(rawAssignmentId, 'assignment');
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.roleAssignment.findFirst({
        where: { AND: [accessibleBy(actor.ability, 'read').RoleAssignment, { id: assignmentId, adminId }] },
        include: { ...grantRowInclude, admin: { select: { username: true } } },
      });
      if (!row) throw AppError.notFound('assignment', String(rawAssignmentId));
      const grant = grantOf(row);
      if (grant) assertMayGrant(actor, 'RoleAssignment', 'delete', grant);
      else if (!actor.ability.can('manage', 'all')) throw new AppError('FORBIDDEN', CANNOT_GRANT);
      if (row.role === 'staff' && (await tx.roleAssignment.count({ where: { role: 'staff', admin: { disabled: false } } })) <= 1) {
        throw AppError.conflict('this is the last platform staff assignment; grant staff to someone else first');
      }
      await tx.roleAssignment.delete({ where: { id: row.id } });
      await bumpAdminVersion(tx, adminId);
      await this.audit.record(tx, actor, {
        action: 'assignment.delete',
        subjectType: 'RoleAssignment',
        subjectId: row.id,
        domain: row.domain,
        before: { admin: row.admin.username, ...presentAssignment(row) },
      });
    });
  }
}
