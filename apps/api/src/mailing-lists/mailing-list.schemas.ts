import { z } from 'zod';
import { localPart, mailAddress } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';
import { noRepeats } from '../aliases/addressed-objects.js';

export const MAX_MEMBERS_ON_CREATE = 5000;

const name = z.string().trim().min(1, 'cannot be empty').max(200, 'is longer than 200 characters');
const postingPolicy = z.enum(['anyone', 'members', 'owners'], { message: 'must be one of anyone, members, owners' });

export const createMailingListInput = z
  .object({
    localPart,
    name: name.optional(),
    postingPolicy: postingPolicy.optional(),
    members: z
      .array(mailAddress)
      .max(MAX_MEMBERS_ON_CREATE, `may hold at most ${MAX_MEMBERS_ON_CREATE} addresses; add more with PUT .../members/{member}`)
      .superRefine(noRepeats)
      .optional(),
  })
  .strict();

export const updateMailingListInput = z
  .object({
    name: name.nullable().optional(),
    postingPolicy: postingPolicy.optional(),
  })
  .strict();

/** PUT .../members/{member}: the body is optional. */
export const putMemberInput = z.object({ isOwner: z.boolean().optional() }).strict();

export const listMailingListsQuery = pageQuery.extend({
  q: z.string().trim().max(320).optional(),
});

export const listMembersQuery = pageQuery;
