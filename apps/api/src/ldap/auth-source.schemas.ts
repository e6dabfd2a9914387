import { z } from 'zod';
import { checkUserFilter, RDN_ATTRIBUTES } from '@schoolmail/mail-engine';

const attributeName = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an LDAP attribute name such as mail or uid');
const dn = z.string().trim().min(1).max(1024);

const userFilter = z
  .string()
  .trim()
  .max(1024)
  .superRefine((template, context) => {
    const problem = checkUserFilter(template);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const ldapUrl = z
  .string()
  .trim()
  .regex(/^ldaps?:\/\/[^\s/]+(:\d{1,5})?\/?$/i, 'must be ldap://host[:port] or ldaps://host[:port]');

export const putAuthSourceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('ldap'),
      urls: z.array(ldapUrl).min(1, 'needs at least one LDAP URL').max(10),
      tlsMode: z.enum(['none', 'starttls', 'ldaps']).default('none'),
      caPem: z.string().trim().regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, 'must be PEM certificates').max(100_000).nullable().optional(),
      bindDn: dn.nullable().optional(),
      /** Write-only. Omitted: the stored one is kept; null: cleared (anonymous search). */
      bindPassword: z.string().min(1).max(1024).nullable().optional(),
      userBase: dn,
      userFilter: userFilter.default('(mail={address})'),
      attributes: z
        .object({
          mail: attributeName.default('mail'),
          uid: attributeName.default('uid'),
          displayName: attributeName.default('displayName'),
          mailHost: attributeName.default('mailHost'),
          quota: attributeName.nullable().default(null),
        })
        .strict()
        .default({ mail: 'mail', uid: 'uid', displayName: 'displayName', mailHost: 'mailHost', quota: null }),
      connectTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
      operationTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      cacheSeconds: z.number().int().min(0).max(3_600).default(60),
      /** Write accounts created, changed and deleted through the API to the directory too. */
      provisioning: z.boolean().default(false),
      /** Where provisioned entries are created; userBase when absent. */
      provisionBase: dn.nullable().default(null),
      provisionRdnAttribute: z.enum(RDN_ATTRIBUTES).default('uid'),
      provisionObjectClasses: z
        .array(attributeName)
        .min(1, 'needs at least one object class, e.g. inetOrgPerson')
        .max(20)
        .default(['inetOrgPerson', 'shadowAccount']),
      /** Staff only. Omitted: unchanged (false for a new source). */
      postmasterMayManage: z.boolean().optional(),
    })
    .strict()
    .superRefine((input, context) => {
      const wantsLdaps = input.tlsMode === 'ldaps';
      input.urls.forEach((url, index) => {
        if (url.toLowerCase().startsWith('ldaps://') !== wantsLdaps) {
          context.addIssue({ code: 'custom', path: ['urls', index], message: wantsLdaps ? 'tlsMode ldaps needs ldaps:// URLs' : 'an ldaps:// URL needs tlsMode ldaps' });
        }
      });
    }),
]);
export type PutAuthSourceInput = z.infer<typeof putAuthSourceInput>;

export const testAuthSourceInput = z
  .object({
    address: z.string().trim().min(3).max(320).regex(/^[^@\s]+@[^@\s]+$/, 'must be an address'),
    /** Optional: also check that the directory accepts this password for the user found. */
    password: z.string().min(1).max(1024).optional(),
  })
  .strict();

export const syncInput = z
  .object({
    /** false: only report the differences; true: also repair them. */
    apply: z.boolean().default(false),
  })
  .strict();
