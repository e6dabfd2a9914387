import { z } from 'zod';
import { parseIp, senderParts } from '@schoolmail/mail-engine';
import { mailAddress } from '../common/validation.js';

const MAX_MESSAGE_CHARS = 10 * 1024 * 1024;

export const testWordListsInput = z
  .object({
    account: mailAddress,
    direction: z.enum(['inbound', 'outbound'], { error: 'must be one of inbound, outbound' }).optional(),
    raw: z.string({ error: 'must be a string: the RFC 5322 message' }).min(1, 'is empty').max(MAX_MESSAGE_CHARS, 'is longer than 10 MB').optional(),
    subject: z.string({ error: 'must be a string' }).max(10_000, 'is longer than 10,000 characters').optional(),
    body: z.string({ error: 'must be a string' }).max(MAX_MESSAGE_CHARS, 'is longer than 10 MB').optional(),
    /** The envelope sender (MAIL FROM; "" for a bounce), for the acceptance policies' whitelisted senders. */
    sender: z
      .string({ error: 'must be a string' })
      .trim()
      .max(320, 'is longer than 320 characters')
      .refine((raw) => raw === '' || senderParts(raw) !== null, 'is not an e-mail address ("" for the null sender)')
      .optional(),
    /** The SMTP client's address, for the acceptance policies' trusted networks. */
    clientIp: z
      .string({ error: 'must be a string' })
      .trim()
      .max(100, 'is longer than 100 characters')
      .refine((raw) => parseIp(raw) !== null, 'is not an IPv4 or IPv6 address')
      .optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const simple = input.subject !== undefined || input.body !== undefined;
    if (input.raw !== undefined && simple) {
      ctx.addIssue({ code: 'custom', path: ['raw'], message: 'give either raw or subject and body, not both' });
    } else if (input.raw === undefined && !simple) {
      ctx.addIssue({ code: 'custom', path: ['raw'], message: 'is required: a raw RFC 5322 message, or subject and body' });
    }
  });

export type TestWordListsInput = z.infer<typeof testWordListsInput>;
