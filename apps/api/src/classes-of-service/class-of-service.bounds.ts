import type { ClassOfService } from '@schoolmail/prisma';
import type { Database, Tx } from '../database/database.js';
import { AppError, type FieldError } from '../common/errors.js';
import { SERVICES } from '../common/validation.js';

export type ClassValues = Pick<
  ClassOfService,
  'smtp' | 'imap' | 'pop3' | 'webmail' | 'rpop' | 'maxMessageSizeKb' | 'mailboxQuotaMb' | 'maxRecipients' | 'sendingRatePerHour'
>;

/**
 * The class of service that bounds a district's own classes: the one assigned to the owner
 * domain, or else to its nearest ancestor that has one (the level above in the settings chain).
 */
export async function boundingClass(tx: Database | Tx, owner: { path: string }, selfId?: number) {
  const lineage = owner.path.split('/').filter(Boolean).map(Number);
  const nearest = await tx.domain.findFirst({
    // A district's class assigned to the district itself is bounded by the level above, not by itself.
    where: { id: { in: lineage }, AND: [{ classOfServiceId: { not: null } }, ...(selfId ? [{ classOfServiceId: { not: selfId } }] : [])] },
    orderBy: { depth: 'desc' },
    select: { name: true, classOfService: true },
  });
  if (!nearest?.classOfService) return null;
  return { domain: nearest.name, bound: nearest.classOfService };
}
export type Bounds = Awaited<ReturnType<typeof boundingClass>>;

/**
 * A district may define its own classes only within the platform's limits: each limit at most,
 * and each service only where, the bounding class allows. 400 naming every field over the limit.
 */
export function assertWithinBounds(bounds: Bounds, values: ClassValues) {
  const errors = outOfBounds(bounds, values);
  if (errors.length) throw new AppError('BAD_USER_INPUT', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

/** What of `values` goes beyond the bounding class, one entry per field (none: within bounds). */
export function outOfBounds(bounds: Bounds, values: ClassValues): FieldError[] {
  if (!bounds) return [];
  const { bound, domain } = bounds;
  const source = `class of service "${bound.name}" assigned to ${domain}`;
  const errors: FieldError[] = [];
  for (const field of ['maxMessageSizeKb', 'mailboxQuotaMb', 'maxRecipients'] as const) {
    if (values[field] > bound[field]) errors.push({ field, message: `must be at most ${bound[field]}, the limit of ${source}` });
  }
  if (bound.sendingRatePerHour !== null && (values.sendingRatePerHour === null || values.sendingRatePerHour > bound.sendingRatePerHour)) {
    errors.push({ field: 'sendingRatePerHour', message: `must be at most ${bound.sendingRatePerHour}, the limit of ${source}` });
  }
  for (const service of SERVICES) {
    if (values[service] && !bound[service]) errors.push({ field: `services.${service}`, message: `cannot be on: ${source} switches it off` });
  }
  return errors;
}
