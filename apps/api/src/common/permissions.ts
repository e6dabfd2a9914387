/**
 * Every route and resolver declares what it needs, with exactly one of these decorators.
 * A route without one is refused by the guard (and a test lists such routes), so
 * authorization cannot be forgotten.
 */
import { SetMetadata } from '@nestjs/common';
import type { Action, SubjectName } from '@schoolmail/rbac';

export const ACCESS_KEY = 'schoolmail:access';

export type AccessDeclaration =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; action: Action; subject: SubjectName };

/** Open to anyone, signed in or not (login, health, docs). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessDeclaration);

/** Any signed-in principal; the service decides the rest (e.g. logout, "who am I"). */
export const Authenticated = () => SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies AccessDeclaration);

/**
 * The principal must hold `action` on `subject` somewhere in its scope. Which objects it
 * may touch is then decided by the service with the same ability (404 outside the scope).
 */
export const RequirePermission = (action: Action, subject: SubjectName) =>
  SetMetadata(ACCESS_KEY, { kind: 'permission', action, subject } satisfies AccessDeclaration);
