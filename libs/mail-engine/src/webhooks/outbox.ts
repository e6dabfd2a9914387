/**
 * The webhook outbox writer: a change that webhooks should hear about inserts its
 * WebhookDelivery rows in the transaction that makes the change, so an event is sent if
 * and only if the change committed. The dispatcher sends them later.
 *
 * Cost when nobody listens: the set of patterns subscribed by active webhooks is cached
 * per process, so a write whose event nobody subscribes to runs no query at all. The cache
 * is dropped at once in the process that changes a webhook (`webhookSubscriptionsChanged`,
 * called after the commit) and re-read at most every SCHOOLMAIL_WEBHOOK_PRESENCE_TTL_MS
 * (default 2 s) everywhere else, so in a cluster a new webhook hears events from other
 * processes within that delay: cheap, and bounded without a LISTEN connection per process.
 */
import type { Tx } from '../contracts.js';
import { subscriptionsMatching } from './events.js';

let subscribedPatterns: { patterns: Set<string>; loadedAt: number } | null = null;

function presenceTtlMs() {
  const raw = Number(process.env.SCHOOLMAIL_WEBHOOK_PRESENCE_TTL_MS);
  return Number.isFinite(raw) && raw >= 0 ? raw : 2_000;
}

/** Forget the cached subscriptions (call after committing a webhook change). */
export function webhookSubscriptionsChanged() {
  subscribedPatterns = null;
}

async function anyoneSubscribed(tx: Tx, event: string): Promise<boolean> {
  if (!subscribedPatterns || Date.now() - subscribedPatterns.loadedAt > presenceTtlMs()) {
    const rows = await tx.$queryRaw<Array<{ pattern: string }>>`SELECT DISTINCT unnest(events) AS pattern FROM "Webhook" WHERE active`;
    subscribedPatterns = { patterns: new Set(rows.map((row) => row.pattern)), loadedAt: Date.now() };
  }
  const { patterns } = subscribedPatterns;
  return subscriptionsMatching(event).some((pattern) => patterns.has(pattern));
}

const jsonSafe = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/**
 * Queues `event` for every active webhook subscribed to it whose scope covers `domainPath`
 * (staff webhooks, with no domain, hear everything; a district's webhook only events under
 * its domain; an event with no domain path, e.g. about a remote domain, reaches staff
 * webhooks only). `data` as an array queues one delivery per element (bulk changes).
 * One INSERT ... SELECT, inside `tx`; answers how many deliveries were queued.
 */
export async function enqueueWebhookEvent(tx: Tx, event: string, data: unknown, domainPath: string | null): Promise<number> {
  if (!(await anyoneSubscribed(tx, event))) return 0;
  const payloads = JSON.stringify(Array.isArray(data) ? data : [data], jsonSafe);
  return tx.$executeRaw`
    INSERT INTO "WebhookDelivery" ("webhookId", event, payload)
    SELECT w.id, ${event}, p.payload
    FROM "Webhook" w
    LEFT JOIN "Domain" d ON d.id = w."domainId"
    CROSS JOIN jsonb_array_elements(${payloads}::jsonb) AS p(payload)
    WHERE w.active
      AND w.events && ${subscriptionsMatching(event)}::text[]
      AND (w."domainId" IS NULL OR starts_with(${domainPath}::text, d.path))`;
}
