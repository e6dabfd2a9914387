import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';

export const QUARANTINE_STATES = ['pending', 'released', 'deleted'] as const;
export const MAX_ACTION_IDS = 500;

export const entryId = z.string().regex(/^\d{1,19}$/, 'is not a quarantine entry id');

export const listQuarantineQuery = pageQuery.extend({
  recipient: z.string().trim().max(320).optional(),
  sender: z.string().trim().max(320).optional(),
  domain: z.string().trim().max(253).optional(),
  state: z.enum(QUARANTINE_STATES).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});

export const quarantineActionInput = z
  .object({
    action: z.enum(['release', 'delete']),
    ids: z
      .array(z.union([entryId, z.number().int().nonnegative().transform(String)]))
      .min(1, 'needs at least one id')
      .max(MAX_ACTION_IDS, `at most ${MAX_ACTION_IDS} ids per call`),
  })
  .strict();
