/**
 * Administration events for webhooks, taken from the audit hook: every successful write
 * records an audit entry in its transaction, and the entries below also queue a webhook
 * event there. Refused attempts are recorded elsewhere (recordDenied) and announce nothing.
 */
import { enqueueWebhookEvent, type WebhookEvent } from '@schoolmail/mail-engine';
import type { Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import type { AuditEntry } from '../audit/audit.service.js';

const EVENT_OF_ACTION: Record<string, WebhookEvent> = {
  'account.create': 'account.created',
  'account.bulk-create': 'account.created',
  'account.update': 'account.updated',
  'account.rename': 'account.updated',
  'account.send-as.grant': 'account.updated',
  'account.send-as.revoke': 'account.updated',
  'account.set-password': 'account.password-changed',
  'account.delete': 'account.deleted',
  // `ldap sync` changes accounts too: the CMS hears of them as of any other change.
  'ldap.sync.create-account': 'account.created',
  'ldap.sync.suspend-account': 'account.updated',
  'ldap.sync.update-account': 'account.updated',
  'domain.create': 'domain.created',
  'domain.update': 'domain.updated',
  'domain.auth-source.set': 'domain.updated',
  'domain.auth-source.delete': 'domain.updated',
  'domain.backend.assign': 'domain.updated',
  'domain.migration': 'domain.updated',
  'domain.delete': 'domain.deleted',
  'alias.create': 'alias.created',
  'alias.update': 'alias.updated',
  'alias.delete': 'alias.deleted',
  'list.create': 'list.created',
  'list.update': 'list.updated',
  'list.member.add': 'list.updated',
  'list.member.update': 'list.updated',
  'list.member.remove': 'list.updated',
  'list.delete': 'list.deleted',
  'group.create': 'group.created',
  'group.update': 'group.updated',
  'group.member.add': 'group.updated',
  'group.member.remove': 'group.updated',
  'group.delete': 'group.deleted',
};

/** Deliveries queued per INSERT when many entries are published at once. */
const PUBLISH_CHUNK = 1_000;

function commonPart(actor: Actor, entry: AuditEntry) {
  return {
    actor: { type: actor.principal.kind, name: actor.principal.name, interface: actor.interface },
    domain: (entry.domain as { name?: string } | null | undefined)?.name ?? null,
  };
}

function payloadOf(actor: Actor, entry: AuditEntry) {
  const subject = { type: entry.subjectType, id: entry.subjectId == null ? null : String(entry.subjectId) };
  return { ...commonPart(actor, entry), subject, before: entry.before ?? null, after: entry.after ?? null };
}

/** `entry.before` / `entry.after` are the audit snapshots (JSON-safe, secrets redacted). */
export async function publishAuditEvent(tx: Tx, actor: Actor, entry: AuditEntry) {
  const event = EVENT_OF_ACTION[entry.action];
  if (!event) return;
  const domainPath = entry.domain?.path ?? null;
  if (entry.action === 'account.bulk-create') {
    // One event per mailbox, as if each had been created alone.
    const common = commonPart(actor, entry);
    const addresses = (entry.after as { addresses?: string[] } | null)?.addresses ?? [];
    const perAccount = addresses.map((address) => ({ ...common, subject: { type: 'Account', id: address }, before: null, after: { address } }));
    if (perAccount.length) await enqueueWebhookEvent(tx, event, perAccount, domainPath);
    return;
  }
  await enqueueWebhookEvent(tx, event, payloadOf(actor, entry), domainPath);
}

/**
 * Many entries of one transaction (e.g. a domain deleted with its content): the events and
 * payloads `publishAuditEvent` would queue for each, in one INSERT per event and domain.
 */
export async function publishAuditEvents(tx: Tx, actor: Actor, entries: AuditEntry[]) {
  const batches = new Map<string, { event: WebhookEvent; domainPath: string | null; data: unknown[] }>();
  for (const entry of entries) {
    const event = EVENT_OF_ACTION[entry.action];
    if (!event) continue;
    if (entry.action === 'account.bulk-create') {
      await publishAuditEvent(tx, actor, entry);
      continue;
    }
    const domainPath = entry.domain?.path ?? null;
    const key = `${event} ${domainPath ?? ''}`;
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { event, domainPath, data: [] }));
    batch.data.push(payloadOf(actor, entry));
  }
  for (const { event, domainPath, data } of batches.values()) {
    for (let i = 0; i < data.length; i += PUBLISH_CHUNK) await enqueueWebhookEvent(tx, event, data.slice(i, i + PUBLISH_CHUNK), domainPath);
  }
}
