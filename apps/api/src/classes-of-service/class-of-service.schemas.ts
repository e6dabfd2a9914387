import { z } from 'zod';
import { domainName, servicesInput } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

export const MAX_MESSAGE_SIZE_KB = 1_048_576;
export const MAX_MAILBOX_QUOTA_MB = 10_485_760;
export const MAX_RECIPIENTS = 10_000;
export const MAX_SENDING_RATE_PER_HOUR = 1_000_000;

/** A positive whole number with an upper bound, explained in the unit the field uses. */
const boundedCount = (max: number, unit: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number') })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max} ${unit}`);

export const limitFields = {
  maxMessageSizeKb: boundedCount(MAX_MESSAGE_SIZE_KB, 'KB (1 GB)'),
  mailboxQuotaMb: boundedCount(MAX_MAILBOX_QUOTA_MB, 'MB (10 TB)'),
  maxRecipients: boundedCount(MAX_RECIPIENTS, 'recipients'),
};

const sendingRatePerHour = boundedCount(MAX_SENDING_RATE_PER_HOUR, 'messages per hour').nullable();

export const classOfServiceName = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .min(1, 'is required')
  .max(100, 'is longer than 100 characters')
  .regex(/^[a-z0-9 ._-]+$/i, 'may hold only letters, digits, spaces, dots, underscores and hyphens');

const description = z
  .string()
  .trim()
  .max(500, 'is longer than 500 characters')
  .nullable()
  .transform((value) => (value ? value : null));

const wordListIds = z
  .array(z.number().int('must be a word list id').positive('must be a word list id'))
  .max(100, 'at most 100 word lists per class of service')
  .transform((ids) => [...new Set(ids)]);

export const createClassOfServiceInput = z
  .object({
    name: classOfServiceName,
    description: description.optional(),
    services: servicesInput.optional(),
    ...limitFields,
    sendingRatePerHour: sendingRatePerHour.optional(),
    domain: domainName.nullable().optional(),
    wordLists: wordListIds.optional(),
  })
  .strict();

export const updateClassOfServiceInput = z
  .object({
    name: classOfServiceName.optional(),
    description: description.optional(),
    services: servicesInput.optional(),
    maxMessageSizeKb: limitFields.maxMessageSizeKb.optional(),
    mailboxQuotaMb: limitFields.mailboxQuotaMb.optional(),
    maxRecipients: limitFields.maxRecipients.optional(),
    sendingRatePerHour: sendingRatePerHour.optional(),
    wordLists: wordListIds.optional(),
  })
  .strict();

export const listClassesOfServiceQuery = pageQuery.extend({
  q: z.string().trim().max(100).optional(),
  domain: z.string().trim().max(253).optional(),
});

export type CreateClassOfServiceInput = z.infer<typeof createClassOfServiceInput>;
export type UpdateClassOfServiceInput = z.infer<typeof updateClassOfServiceInput>;
