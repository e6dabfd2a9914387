import { isIP } from 'node:net';
import { z } from 'zod';
import { pageQuery } from '../common/pagination.js';

const HOST_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

/** A host name (letters, digits, hyphens, dots) or an IP address. */
const host = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(253, 'is longer than 253 characters')
  .transform((raw) => raw.toLowerCase().replace(/\.$/, ''))
  .refine((value) => isIP(value) !== 0 || HOST_NAME.test(value), 'must be a host name or an IP address');

const tls = z.enum(['none', 'starttls', 'implicit'], { message: 'must be none, starttls or implicit (port 995 style)' });

const fields = {
  host,
  port: z.number().int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535'),
  tls,
  username: z.string().trim().min(1, 'is required').max(320, 'is longer than 320 characters').refine((value) => !/[\r\n\0]/.test(value), 'may not contain line breaks'),
  password: z.string().min(1, 'is required').max(1024, 'is longer than 1024 characters').refine((value) => !/[\r\n\0]/.test(value), 'may not contain line breaks'),
  intervalSeconds: z.number().int('must be a whole number').min(60, 'must be at least 60 seconds').max(86_400, 'must be at most 86400 seconds (a day)'),
  leaveOnServer: z.boolean(),
};

export const createRpopSourceInput = z
  .object({
    ...fields,
    port: fields.port.optional(),
    tls: fields.tls.default('starttls'),
    intervalSeconds: fields.intervalSeconds.default(600),
    leaveOnServer: fields.leaveOnServer.default(true),
  })
  .strict();

export const updateRpopSourceInput = z
  .object({
    host: fields.host.optional(),
    port: fields.port.optional(),
    tls: fields.tls.optional(),
    username: fields.username.optional(),
    password: fields.password.optional(),
    intervalSeconds: fields.intervalSeconds.optional(),
    leaveOnServer: fields.leaveOnServer.optional(),
  })
  .strict();

export const listRpopSourcesQuery = pageQuery;

export type CreateRpopSourceInput = z.infer<typeof createRpopSourceInput>;
export type UpdateRpopSourceInput = z.infer<typeof updateRpopSourceInput>;

/** The usual port of a TLS mode when none is given. */
export const defaultPort = (mode: 'none' | 'starttls' | 'implicit') => (mode === 'implicit' ? 995 : 110);
