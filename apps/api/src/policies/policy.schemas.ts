import { z } from 'zod';
import { parseNetwork, parseSenderPattern } from '@schoolmail/mail-engine';
import { pageQuery } from '../common/pagination.js';
import { noRepeats } from '../aliases/addressed-objects.js';

export const MAX_POLICY_ENTRIES = 1_000;
/** 10 GB: anything above is no limit at all, and more likely a typo. */
export const MAX_ATTACHMENT_KB = 10 * 1024 * 1024;

const senderPattern = z.string().max(320, 'is longer than 320 characters').transform((raw, ctx) => {
  const parsed = parseSenderPattern(raw);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.text;
});

const network = z.string().max(100, 'is longer than 100 characters').transform((raw, ctx) => {
  const parsed = parseNetwork(raw);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.text;
});

const entries = <T extends z.ZodType<string, string>>(entry: T) =>
  z.array(entry).max(MAX_POLICY_ENTRIES, `at most ${MAX_POLICY_ENTRIES.toLocaleString('en-US')} entries`).superRefine(noRepeats);

/** PUT replaces the whole policy of a level: an omitted member is emptied. */
export const putPolicyInput = z
  .object({
    whitelistedSenders: entries(senderPattern).default([]),
    trustedNetworks: entries(network).default([]),
    maxAttachmentKb: z.number().int('must be a whole number of KB').min(1, 'must be at least 1 KB (null for no limit)').max(MAX_ATTACHMENT_KB).nullable().default(null),
  })
  .strict();

export const POLICY_LEVELS = ['server', 'domain', 'group', 'account'] as const;
export type PolicyLevelName = (typeof POLICY_LEVELS)[number];

export const listPoliciesQuery = pageQuery.extend({
  level: z.enum(POLICY_LEVELS).optional(),
  domain: z.string().trim().max(253).optional(),
  group: z.string().trim().max(320).optional(),
  account: z.string().trim().max(320).optional(),
});

export type PutPolicyInput = z.infer<typeof putPolicyInput>;
