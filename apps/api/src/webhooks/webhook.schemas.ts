import { z } from 'zod';
import { subscriptionProblem } from '@schoolmail/mail-engine';
import { pageQuery } from '../common/pagination.js';

const url = z
  .string()
  .trim()
  .max(2000, 'is longer than 2000 characters')
  .superRefine((raw, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a URL` });
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: `must be an http or https URL, not ${parsed.protocol.replace(/:$/, '')}` });
    if (parsed.username || parsed.password) ctx.addIssue({ code: 'custom', message: 'must not carry credentials: deliveries are authenticated by their signature' });
  });

const events = z
  .array(z.string().trim().min(1, 'cannot be empty').max(64))
  .min(1, 'needs at least one event (or "*")')
  .max(50)
  .superRefine((list, ctx) => {
    list.forEach((pattern, index) => {
      const problem = subscriptionProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', path: [index], message: problem });
    });
  })
  .transform((list) => [...new Set(list)]);

const description = z.string().trim().max(200, 'is longer than 200 characters');

export const createWebhookInput = z
  .object({
    url,
    events,
    secret: z.string().min(16, 'must have at least 16 characters').max(200).optional(),
    description: description.optional(),
    domain: z.string().trim().min(1).max(253).optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const updateWebhookInput = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const listWebhooksQuery = pageQuery;

export const listDeliveriesQuery = pageQuery.extend({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
});
