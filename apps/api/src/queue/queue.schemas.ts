import { z } from 'zod';
import { parseAge, QUEUE_ACTIONS, QUEUE_STATES } from '@schoolmail/mail-engine';
import { domainName } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

const age = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const at = parseAge(raw);
    if (!at) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is neither a duration (90s, 30m, 1h, 2d, 1w) nor an ISO date` });
      return z.NEVER;
    }
    return at;
  });

const address = z.string().trim().min(1).max(320).toLowerCase();
const count = z.coerce.number().int().min(0).max(2_147_483_647);

/** What selects queue entries, from a query string (REST) or an input object (GraphQL, actions). */
export const queueFilterShape = {
  sender: address.optional(),
  recipient: address.optional(),
  remoteDomain: domainName.optional(),
  minSize: count.optional(),
  maxSize: count.optional(),
  minAttempts: count.optional(),
  maxAttempts: count.optional(),
  state: z.enum(QUEUE_STATES).optional(),
  olderThan: age.optional(),
  newerThan: age.optional(),
};

export const queueFilterInput = z.object(queueFilterShape).strict();

export const listQueueQuery = pageQuery.extend(queueFilterShape);

export const queueActionInput = z
  .object({
    action: z.enum(QUEUE_ACTIONS),
    ids: z.array(z.union([z.string().regex(/^\d{1,19}$/, 'must be a queue entry id'), z.number().int().positive()])).min(1).max(1000).optional(),
    filter: queueFilterInput.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if ((input.ids === undefined) === (input.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either "ids" or "filter" (one of them, not both)' });
    }
  });

export const listRemoteDomainsQuery = pageQuery.extend({
  state: z.enum(['active', 'held']).optional(),
});

export type QueueActionInput = z.infer<typeof queueActionInput>;
