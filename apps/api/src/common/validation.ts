import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { AppError } from './errors.js';

/** Parses `input` with `schema`, or throws a 400 naming every offending field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  throw new AppError('BAD_USER_INPUT', summary, { errors });
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain name as we store it: lower-case ASCII (IDNA/punycode for international names),
 * at most 253 characters, at least two labels of 1-63 letters, digits or inner hyphens.
 */
export const domainName = z.string().trim().min(1, 'is required').transform((raw, ctx) => {
  const ascii = domainToASCII(raw.toLowerCase().replace(/\.$/, ''));
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (!ascii) return fail(`"${raw}" is not a valid domain name (IDNA)`);
  if (ascii.length > 253) return fail('is longer than 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2) return fail('needs at least two labels, e.g. district1.k12.us');
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return fail(
      bad.length === 0
        ? 'has an empty label'
        : bad.length > 63
          ? `label "${bad.slice(0, 20)}..." is longer than 63 characters`
          : `label "${bad}" may hold only letters, digits and inner hyphens`,
    );
  }
  if (/^\d+$/.test(labels.at(-1)!)) return fail('top-level label cannot be numeric');
  return ascii;
});

const ATEXT = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+$/;

/** A local part per RFC 5321/5322 dot-atom: at most 64 octets, no leading, trailing or double dots. */
export const localPart = z.string().trim().min(1, 'is required').transform((raw, ctx) => {
  const value = raw.toLowerCase();
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (Buffer.byteLength(value) > 64) return fail('is longer than 64 octets (RFC 5321)');
  if (value.split('.').some((atom) => !ATEXT.test(atom))) {
    return fail(`"${raw}" is not a valid local part: letters, digits and ! # $ % & ' * + / = ? ^ _ \` { | } ~ - with single inner dots`);
  }
  return value;
});

/** A full mailbox address `local@domain`, normalized. */
export const mailAddress = z.string().trim().min(3, 'is required').transform((raw, ctx) => {
  const at = raw.lastIndexOf('@');
  if (at <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not an e-mail address` });
    return z.NEVER;
  }
  const local = localPart.safeParse(raw.slice(0, at));
  const domain = domainName.safeParse(raw.slice(at + 1));
  if (!local.success || !domain.success) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a valid e-mail address` });
    return z.NEVER;
  }
  if (local.data.length + domain.data.length + 1 > 254) {
    ctx.addIssue({ code: 'custom', message: 'is longer than 254 characters' });
    return z.NEVER;
  }
  return `${local.data}@${domain.data}`;
});

export const SERVICES = ['smtp', 'imap', 'pop3', 'webmail', 'rpop'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const servicesInput = z
  .object(Object.fromEntries(SERVICES.map((s) => [s, z.boolean().optional()])) as Record<ServiceName, z.ZodOptional<z.ZodBoolean>>)
  .strict();
