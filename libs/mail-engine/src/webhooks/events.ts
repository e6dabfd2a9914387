/**
 * The events a webhook can subscribe to. Administration events come from the API's audit
 * hook (one per successful write); engine events come from the mail engine itself.
 * A subscription is an exact event name, `<category>.*`, or `*`.
 */
export const WEBHOOK_EVENTS = [
  'account.created',
  'account.updated',
  'account.password-changed',
  'account.deleted',
  'domain.created',
  'domain.updated',
  'domain.deleted',
  'alias.created',
  'alias.updated',
  'alias.deleted',
  'list.created',
  'list.updated',
  'list.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'quota.exceeded',
  'queue.remote-domain-held',
  'quarantine.added',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const CATEGORIES = new Set(WEBHOOK_EVENTS.map((event) => event.split('.')[0]!));

/** Why `pattern` is not a valid subscription, or null when it is. */
export function subscriptionProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  if (pattern.endsWith('.*')) {
    return CATEGORIES.has(pattern.slice(0, -2)) ? null : `"${pattern}": no event category "${pattern.slice(0, -2)}" (known: ${[...CATEGORIES].join(', ')})`;
  }
  return (WEBHOOK_EVENTS as readonly string[]).includes(pattern) ? null : `"${pattern}" is not a webhook event (known: ${WEBHOOK_EVENTS.join(', ')}, <category>.*, *)`;
}

/** The subscriptions that receive `event`: itself, its category wildcard, and `*`. */
export function subscriptionsMatching(event: string): string[] {
  return [event, `${event.split('.')[0]}.*`, '*'];
}
