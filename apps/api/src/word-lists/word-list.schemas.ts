import { z } from 'zod';
import { domainName, mailAddress } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';
import { entryArray, MAX_ENTRIES_PER_LIST } from './word-list.entries.js';

export const WORD_LIST_SCOPES = ['system', 'domain', 'account'] as const;
export const WORD_LIST_ACTIONS = ['reject', 'quarantine', 'tag'] as const;
export const WORD_LIST_DIRECTIONS = ['inbound', 'outbound', 'both'] as const;

const listName = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .min(1, 'is required')
  .max(100, 'is longer than 100 characters');
const action = z.enum(WORD_LIST_ACTIONS, { error: 'must be one of reject, quarantine, tag' });
const direction = z.enum(WORD_LIST_DIRECTIONS, { error: 'must be one of inbound, outbound, both' });

export const createWordListInput = z
  .object({
    name: listName,
    scope: z.enum(WORD_LIST_SCOPES, { error: 'must be one of system, domain, account' }),
    domain: domainName.optional(),
    account: mailAddress.optional(),
    action: action.optional(),
    direction: direction.optional(),
    entries: entryArray.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const needs = (field: 'domain' | 'account', wanted: boolean, why: string) => {
      if (wanted && input[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required for scope ${input.scope}` });
      if (!wanted && input[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `must not be given for scope ${input.scope}${why}` });
    };
    needs('domain', input.scope === 'domain', input.scope === 'account' ? ' (the mailbox decides the domain)' : '');
    needs('account', input.scope === 'account', '');
    if ((input.entries?.length ?? 0) > MAX_ENTRIES_PER_LIST) {
      ctx.addIssue({ code: 'custom', path: ['entries'], message: `at most ${MAX_ENTRIES_PER_LIST} entries per list` });
    }
  });

export const updateWordListInput = z
  .object({
    name: listName.optional(),
    action: action.optional(),
    direction: direction.optional(),
    entries: entryArray.optional(),
    addEntries: entryArray.optional(),
    removeEntries: entryArray.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.entries !== undefined && (input.addEntries !== undefined || input.removeEntries !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['entries'], message: 'replaces every entry; do not combine it with addEntries or removeEntries' });
    }
  });

export const importWordListInput = z
  .object({ text: z.string({ error: 'is required: one entry per line' }).max(4 * 1024 * 1024, 'is longer than 4 MB') })
  .strict();

export const listWordListsQuery = pageQuery.extend({
  scope: z.enum(WORD_LIST_SCOPES, { error: 'must be one of system, domain, account' }).optional(),
  domain: domainName.optional(),
  account: mailAddress.optional(),
  q: z.string().trim().max(100).optional(),
});

export type CreateWordListInput = z.infer<typeof createWordListInput>;
export type UpdateWordListInput = z.infer<typeof updateWordListInput>;
