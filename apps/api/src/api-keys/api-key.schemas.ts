import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';
import { grantFields, refineGrant } from '../admins/grants.js';

/**
 * `scope` is the name for where the key applies: "platform" (staff keys) or a domain
 * name; it is read as `domain`, the name assignments use. Giving both is refused.
 */
function scopeAsDomain(raw: unknown) {
  if (!raw || typeof raw !== 'object' || !('scope' in raw)) return raw;
  const { scope, ...rest } = raw as Record<string, unknown>;
  if ('domain' in rest) return raw;
  return scope === 'platform' ? rest : { ...rest, domain: scope };
}

export const createApiKeyInput = z.preprocess(
  scopeAsDomain,
  z
    .object({ name: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'), ...grantFields })
    .strict()
    .superRefine(refineGrant),
);

export const listApiKeysQuery = pageQuery.extend({
  q: z.string().trim().max(100).optional(),
  revoked: z.enum(['true', 'false']).optional(),
});
