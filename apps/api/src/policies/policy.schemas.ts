import { z } from 'zod';
import { ipv4Breadth, parseNetwork, parseSenderPattern } from '@schoolmail/mail-engine';
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

/**
 * The widest networks an administrator below platform staff may trust: an IPv4 /8 (a
 * district's whole 10.0.0.0/8) and an IPv6 /32 (a whole provider allocation). Anything wider
 * ("0.0.0.0/0", "::/0", "::ffff:0:0/96", which holds every IPv4 client) is a mistake or an
 * attempt to switch the filtering off for all mail; since a district's waiver skips only its
 * own lists (libs/mail-engine/src/acceptance/waivers.ts) the harm stays in the district, but
 * the API says no rather than store it. Staff, whose server policy waives everything, are
 * trusted to know what they trust.
 */
export const DELEGATED_MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** Why a non-staff administrator may not trust `text` (an already normalized network), or null. */
export function delegatedNetworkProblem(text: string): string | null {
  const network = parseNetwork(text);
  if ('error' in network) return network.error;
  const v4 = ipv4Breadth(network);
  const tooWide =
    (network.family === 6 && network.prefix < DELEGATED_MIN_PREFIX.ipv6) || (v4 !== null && v4 < DELEGATED_MIN_PREFIX.ipv4);
  if (!tooWide) return null;
  const holds = network.family === 6 && v4 !== null ? ` (it holds IPv4 clients as a /${v4})` : '';
  return `"${text}" is wider than an administrator below platform staff may trust${holds}: no wider than an IPv4 /${DELEGATED_MIN_PREFIX.ipv4} or an IPv6 /${DELEGATED_MIN_PREFIX.ipv6}; ask platform staff for more`;
}

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
