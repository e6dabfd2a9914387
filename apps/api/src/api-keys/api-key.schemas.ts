import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';
import { grantFields, refineGrant } from '../admins/grants.js';

export const createApiKeyInput = z
  .object({ name: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'), ...grantFields })
  .strict()
  .superRefine(refineGrant);

export const listApiKeysQuery = pageQuery.extend({
  q: z.string().trim().max(100).optional(),
  revoked: z.enum(['true', 'false']).optional(),
});
