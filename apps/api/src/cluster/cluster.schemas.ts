import { z } from 'zod';

/** A node id as SCHOOLMAIL_NODE_ID gives it (a host name, usually). */
export const nodeId = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(200, 'is longer than 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold only letters, digits, dots, hyphens and underscores');

export const assignBackendInput = z.object({ node: nodeId }).strict();

export const failoverInput = z
  .object({ from: nodeId, to: nodeId })
  .strict()
  .refine((input) => input.from !== input.to, { message: 'must differ from "from"', path: ['to'] });
