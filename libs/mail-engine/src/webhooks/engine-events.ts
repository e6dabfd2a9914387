/**
 * Engine events for webhooks, for the places in the engine where they happen. Each is one
 * call at its call site; these keep the payload shapes in one place.
 */
import type { Db, QuarantineRequest, Tx } from '../contracts.js';
import { enqueueWebhookEvent } from './outbox.js';

/** A word list held a message for review (inside the transaction that stores the entry). */
export function quarantineAddedEvent(tx: Tx, request: QuarantineRequest) {
  const { sender, recipient, direction, subject, matches } = request;
  return enqueueWebhookEvent(tx, 'quarantine.added', { sender, recipient, direction, subject, matches }, request.domainPath);
}

/** A destination domain was held after repeated temporary failures (platform event: staff webhooks). */
export function remoteDomainHeldEvent(tx: Tx, domain: string, error: string) {
  return enqueueWebhookEvent(tx, 'queue.remote-domain-held', { remoteDomain: domain, heldBy: 'automatic', lastError: error }, null);
}

/** Mailboxes reported over quota recently, per process: a sender retrying does not flood receivers. */
const reportedQuota = new Map<number, number>();
const QUOTA_REPORT_INTERVAL_MS = 3_600_000;

/**
 * A message was refused at RCPT because the mailbox is full. Reported at most once an hour
 * per mailbox (per process), off the SMTP reply path: the refusal itself never waits for it.
 */
export function reportQuotaExceeded(db: Db, mailbox: { accountId: number; address: string; domainPath: string; usedBytes: number; quotaBytes: number }, log?: (line: string) => void) {
  const now = Date.now();
  if (now - (reportedQuota.get(mailbox.accountId) ?? 0) < QUOTA_REPORT_INTERVAL_MS) return;
  if (reportedQuota.size > 10_000) {
    for (const [accountId, at] of reportedQuota) if (now - at >= QUOTA_REPORT_INTERVAL_MS) reportedQuota.delete(accountId);
  }
  reportedQuota.set(mailbox.accountId, now);
  const data = { address: mailbox.address, usedBytes: mailbox.usedBytes, quotaBytes: mailbox.quotaBytes };
  db.$transaction((tx) => enqueueWebhookEvent(tx, 'quota.exceeded', data, mailbox.domainPath)).catch((error: unknown) => {
    reportedQuota.delete(mailbox.accountId);
    log?.(`webhooks: could not queue quota.exceeded for ${mailbox.address}: ${String(error)}`);
  });
}
