import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';
import { AppError } from '../common/errors.js';
import { grantFields, refineGrant } from './grants.js';

/** Lower-case letters, digits, dot, underscore, hyphen; never '@', which marks mailbox logins. */
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'must have at least 3 characters')
  .max(64, 'is longer than 64 characters')
  .regex(/^[a-z0-9._-]+$/, 'may hold only letters, digits, ".", "_" and "-" (addresses with "@" are mailbox logins)');

export const adminPassword = z.string().min(12, 'must have at least 12 characters').max(1024, 'is longer than 1024 characters');

const displayName = z.string().trim().min(1, 'is required').max(200, 'is longer than 200 characters');

export const createAdminInput = z.object({ username, password: adminPassword, displayName: displayName.optional() }).strict();

export const updateAdminInput = z
  .object({ displayName: displayName.nullable().optional(), password: adminPassword.optional(), disabled: z.boolean().optional() })
  .strict();

export const listAdminsQuery = pageQuery.extend({ q: z.string().trim().max(64).optional() });

export const assignmentInput = z.object(grantFields).strict().superRefine(refineGrant);

/** Ids in paths: positive integers, 404 otherwise (a malformed id names nothing). */
export function idParam(raw: string | number, what: string): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw AppError.notFound(what, String(raw));
  return id;
}
