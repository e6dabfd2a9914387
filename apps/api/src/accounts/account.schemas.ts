import { z } from 'zod';
import { localPart, servicesInput } from '../common/validation.js';
import { personalPasswordProblem, policyPassword as password } from './password-policy.js';
import { pageQuery } from '../common/pagination.js';
import { passwordHashProblem } from '@schoolmail/mail-engine';

export const MAX_BULK_ACCOUNTS = 10_000;

/**
 * A pre-hashed password: scheme-tagged (`{SCRYPT}...`) in a scheme we can verify, and for
 * Argon2 within the engine's cost limits (ARGON2_LIMITS), the refused parameter named.
 */
export const passwordHash = z
  .string()
  .max(1024, 'is longer than 1024 characters')
  .superRefine((hash, ctx) => {
    const problem = passwordHashProblem(hash);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const displayName = z.string().trim().min(1, 'cannot be empty').max(256, 'is longer than 256 characters');
const classOfService = z.string().trim().min(1).max(100);
const accountStatus = z.enum(['active', 'suspended', 'locked']);

function exactlyOneSecret(value: { password?: string; passwordHash?: string }, ctx: z.RefinementCtx) {
  if (value.password === undefined && value.passwordHash === undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'is required (or passwordHash)' });
  }
  if (value.password !== undefined && value.passwordHash !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['passwordHash'], message: 'send either password or passwordHash, not both' });
  }
}

export const createAccountInput = z
  .object({
    localPart,
    password: password.optional(),
    passwordHash: passwordHash.optional(),
    displayName: displayName.optional(),
    classOfService: classOfService.optional(),
    services: servicesInput.optional(),
    status: accountStatus.optional(),
  })
  .strict()
  .superRefine(exactlyOneSecret)
  .superRefine((value, ctx) => {
    const problem = value.password === undefined ? null : personalPasswordProblem(value.password, value.localPart);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });

export const updateAccountInput = z
  .object({
    displayName: displayName.nullable().optional(),
    classOfService: classOfService.nullable().optional(),
    services: servicesInput.optional(),
    status: accountStatus.optional(),
  })
  .strict();

export const setPasswordInput = z
  .object({
    password: password.optional(),
    passwordHash: passwordHash.optional(),
    currentPassword: z.string().min(1, 'is required').max(1024).optional(),
  })
  .strict()
  .superRefine(exactlyOneSecret);

export const renameAccountInput = z
  .object({
    localPart,
    keepOldAddressAsAlias: z.boolean().default(true),
  })
  .strict();

export const listAccountsQuery = pageQuery.extend({
  q: z.string().trim().max(320).optional(),
  sort: z.enum(['address', 'displayName', 'createdAt']).default('address'),
  order: z.enum(['asc', 'desc']).default('asc'),
  subtree: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((value) => value === true || value === 'true')
    .default(false),
});

export const bulkCreateInput = z
  .object({
    // Rows are validated one by one later, so one bad row does not hide the others.
    accounts: z.array(z.unknown()).min(1, 'needs at least one account'),
    atomic: z.boolean().default(false),
  })
  .strict();

export type CreateAccountInput = z.infer<typeof createAccountInput>;
export type UpdateAccountInput = z.infer<typeof updateAccountInput>;
