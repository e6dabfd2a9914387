import { z } from 'zod';
import { localPart, mailAddress } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';
import { noRepeats } from '../aliases/addressed-objects.js';

export const MAX_GROUP_MEMBERS_ON_CREATE = 5000;

const name = z.string().trim().min(1, 'cannot be empty').max(200, 'is longer than 200 characters');

export const createGroupInput = z
  .object({
    localPart,
    name: name.optional(),
    members: z
      .array(mailAddress)
      .max(MAX_GROUP_MEMBERS_ON_CREATE, `may hold at most ${MAX_GROUP_MEMBERS_ON_CREATE} accounts; add more with PUT .../members/{member}`)
      .superRefine(noRepeats)
      .optional(),
  })
  .strict();

export const updateGroupInput = z.object({ name: name.nullable().optional() }).strict();

export const listGroupsQuery = pageQuery.extend({
  q: z.string().trim().max(320).optional(),
});

export const listGroupMembersQuery = pageQuery;
