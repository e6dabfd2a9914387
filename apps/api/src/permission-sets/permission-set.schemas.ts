import { z } from 'zod';
import { permissionListSchema } from '@schoolmail/rbac';
import { pageQuery } from '../common/pagination.js';

export const permissionSetName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'is required')
  .max(64, 'is longer than 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-", starting with a letter or digit');

const description = z.string().trim().max(500, 'is longer than 500 characters');

export const createPermissionSetInput = z
  .object({
    name: permissionSetName,
    description: description.optional(),
    permissions: permissionListSchema,
    domain: z.string().trim().min(1, 'is required').max(253).optional(),
  })
  .strict();

export const updatePermissionSetInput = z
  .object({ description: description.nullable().optional(), permissions: permissionListSchema.optional() })
  .strict();

export const listPermissionSetsQuery = pageQuery.extend({ q: z.string().trim().max(64).optional() });
