import { accessibleBy, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { grantRowInclude, presentGrantColumns } from './grants.js';

export type AssignmentRow = Prisma.RoleAssignmentGetPayload<{ include: typeof grantRowInclude }>;

export function presentAssignment(row: AssignmentRow) {
  return { id: row.id, ...presentGrantColumns(row), createdAt: row.createdAt.toISOString() };
}
export type AssignmentView = ReturnType<typeof presentAssignment>;

/** An admin as the actor may see it: only the assignments inside the actor's scope (filtered in SQL). */
export function adminViewInclude(ability: AppAbility) {
  return {
    assignments: { where: accessibleBy(ability, 'read').RoleAssignment, include: grantRowInclude, orderBy: { id: 'asc' } },
  } satisfies Prisma.AdminInclude;
}

/** Every assignment, for deciding what the actor may do to the admin. */
export const adminAuthorizationInclude = { assignments: { include: grantRowInclude, orderBy: { id: 'asc' } } } satisfies Prisma.AdminInclude;

export type AdminRow = Prisma.AdminGetPayload<{ include: typeof adminAuthorizationInclude }>;

export function presentAdmin(row: Omit<AdminRow, 'passwordHash'> & { passwordHash?: string }) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    disabled: row.disabled,
    assignments: row.assignments.map(presentAssignment),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
export type AdminView = ReturnType<typeof presentAdmin>;
