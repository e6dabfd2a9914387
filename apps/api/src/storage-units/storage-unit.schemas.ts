import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { domainName } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

export const GIB = 1024 ** 3;

const unitName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100, 'is longer than 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold only letters, digits, dots, underscores and hyphens, starting with a letter or digit');

const directory = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(4000, 'is longer than 4000 characters')
  .refine((path) => isAbsolute(path), 'must be an absolute path')
  .refine((path) => !path.includes('\0'), 'may not contain NUL')
  .transform((path) => normalize(path).replace(/(.)\/+$/, '$1'));

const capacityFields = {
  capacityGb: z.number().positive('must be positive').max(1_000_000, 'is more than 1,000,000 GiB').optional(),
  capacityBytes: z.number().int('must be a whole number of bytes').positive('must be positive').max(Number.MAX_SAFE_INTEGER).optional(),
};

const state = z.enum(['active', 'read_only', 'draining']);

const domains = z.array(domainName).max(1000, 'lists more than 1000 domains');

/** Exactly one (create) or at most one (update) way to say the capacity. */
function capacityRule(required: boolean) {
  return (input: { capacityGb?: number; capacityBytes?: number }, ctx: z.RefinementCtx) => {
    if (input.capacityGb !== undefined && input.capacityBytes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['capacityBytes'], message: 'give capacityGb or capacityBytes, not both' });
    } else if (required && input.capacityGb === undefined && input.capacityBytes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['capacityGb'], message: 'is required (or capacityBytes)' });
    }
  };
}

export const createStorageUnitInput = z
  .object({ name: unitName, directory, ...capacityFields, state: state.optional(), domains: domains.optional() })
  .strict()
  .superRefine(capacityRule(true));

export const updateStorageUnitInput = z
  .object({ name: unitName.optional(), ...capacityFields, state: state.optional(), domains: domains.optional() })
  .strict()
  .superRefine(capacityRule(false));

export const listStorageUnitsQuery = pageQuery.extend({ q: z.string().trim().max(100).optional() });

export const listProblemsQuery = pageQuery.extend({
  /** Only problems no operator has marked resolved (a query string or a GraphQL boolean). */
  unresolved: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
});

/** Capacity in bytes from whichever field was given (GiB are 2^30 bytes). */
export function capacityOf(input: { capacityGb?: number; capacityBytes?: number }): bigint | undefined {
  if (input.capacityBytes !== undefined) return BigInt(input.capacityBytes);
  if (input.capacityGb !== undefined) return BigInt(Math.round(input.capacityGb * GIB));
  return undefined;
}
