import { z } from 'zod';
import { domainName, servicesInput } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a5fb4');

export const brandingInput = z
  .object({
    productName: z.string().trim().min(1).max(80).nullable().optional(),
    primaryColor: color.nullable().optional(),
    accentColor: color.nullable().optional(),
  })
  .strict();

export const createDomainInput = z
  .object({
    name: domainName,
    parent: domainName.optional(),
    classOfService: z.string().trim().min(1).max(100).optional(),
    services: servicesInput.optional(),
    status: z.enum(['active', 'suspended']).optional(),
    branding: brandingInput.optional(),
  })
  .strict();

export const updateDomainInput = z
  .object({
    parent: domainName.nullable().optional(),
    classOfService: z.string().trim().min(1).max(100).nullable().optional(),
    services: servicesInput.optional(),
    status: z.enum(['active', 'suspended']).optional(),
    branding: brandingInput.optional(),
  })
  .strict();

export const listDomainsQuery = pageQuery.extend({
  q: z.string().trim().max(253).optional(),
  parent: z.string().trim().max(253).optional(),
});

export type CreateDomainInput = z.infer<typeof createDomainInput>;
export type UpdateDomainInput = z.infer<typeof updateDomainInput>;
