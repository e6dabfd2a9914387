import { z } from 'zod';
import { localPart, mailAddress } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';
import { noRepeats } from './addressed-objects.js';

export const MAX_ALIAS_TARGETS = 1000;

const targets = z
  .array(mailAddress)
  .min(1, 'needs at least one target address')
  .max(MAX_ALIAS_TARGETS, `may hold at most ${MAX_ALIAS_TARGETS} target addresses`)
  .superRefine(noRepeats);

export const createAliasInput = z.object({ localPart, targets }).strict();

export const updateAliasInput = z.object({ targets }).strict();

export const listAliasesQuery = pageQuery.extend({
  q: z.string().trim().max(320).optional(),
});

export type CreateAliasInput = z.infer<typeof createAliasInput>;
