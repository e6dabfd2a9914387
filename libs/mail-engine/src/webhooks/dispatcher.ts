/**
 * Sends the webhook outbox. Any number of processes may run a dispatcher on the same
 * database: each round claims due deliveries with FOR UPDATE SKIP LOCKED and, in the same
 * statement, pushes their next attempt past the request timeout (a lease), so a process
 * that dies mid-send leaves them to be retried by whoever comes next. No transaction is
 * held open while a receiver answers, so deliveries never slow the writes that queue them.
 *
 * Each POST carries `{ id, event, occurredAt, data }` signed as signature.ts says. A 2xx
 * answer delivers; anything else (other status, timeout, refused connection, redirect) is
 * retried after the configured backoff with jitter until the event is `maxAgeSeconds` old
 * (so is a district's webhook aimed at a private address: see target-guard.ts),
 * then the delivery is marked `failed` (an administrator can still retry it).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Db } from '../contracts.js';
import type { SealedSecrets } from '../secrets/sealed-secrets.js';
import { backoffDelayMs, loadWebhookConfig, type WebhookDispatchConfig } from './config.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody } from './signature.js';
import { literalTargetRefusal, privateTargetsAllowed, publicOnlyLookup } from './target-guard.js';

interface ClaimedDelivery {
  id: bigint;
  webhookId: number;
  event: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  url: string;
  secretSealed: string;
  domainId: number | null;
}

type Outcome = { delivered: true; statusCode: number } | { delivered: false; statusCode: number | null; error: string; retryNow?: boolean };

const ERROR_BODY_BYTES = 300;

export class WebhookDispatcher {
  private readonly config: WebhookDispatchConfig;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly secrets: SealedSecrets,
    private readonly log: (line: string) => void = () => {},
    config?: WebhookDispatchConfig,
  ) {
    this.config = config ?? loadWebhookConfig();
  }

  start() {
    this.schedule(0);
    return this;
  }

  /** Stops claiming, aborts requests in flight (they are retried at once by the next dispatcher) and waits for the round to end. */
  async stop() {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** Sends what is due now instead of at the next poll (after queuing deliveries, or in tests). */
  wake() {
    if (this.round || this.stopping.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delayMs: number) {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.runRound().finally(() => {
        this.round = null;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async runRound() {
    let claimed = 0;
    try {
      claimed = await this.deliverDue();
    } catch (error) {
      if (!this.stopping.signal.aborted) this.log(`webhooks: dispatch round failed: ${String(error)}`);
    }
    if (!this.stopping.signal.aborted) this.schedule(claimed >= this.config.batchSize ? 0 : this.config.pollMs);
  }

  /** One round: claims up to a batch of due deliveries and sends them concurrently; answers how many. */
  async deliverDue(): Promise<number> {
    const leaseSeconds = this.config.timeoutMs / 1000 + 30;
    const rows = await this.db.$queryRaw<ClaimedDelivery[]>`
      WITH claimed AS (
        UPDATE "WebhookDelivery" d
        SET attempts = d.attempts + 1, "lastAttemptAt" = now(), "nextAttemptAt" = now() + make_interval(secs => ${leaseSeconds}::double precision)
        WHERE d.id IN (
          SELECT x.id FROM "WebhookDelivery" x JOIN "Webhook" w ON w.id = x."webhookId"
          WHERE x.status = 'pending' AND x."nextAttemptAt" <= now() AND w.active
          ORDER BY x."nextAttemptAt" LIMIT ${this.config.batchSize}
          FOR UPDATE OF x SKIP LOCKED)
        RETURNING d.id, d."webhookId", d.event, d.payload, d.attempts, d."createdAt")
      SELECT c.*, w.url, w."secretSealed", w."domainId" FROM claimed c JOIN "Webhook" w ON w.id = c."webhookId"`;
    await Promise.all(rows.map(async (row) => this.record(row, await this.send(row))));
    return rows.length;
  }

  private async send(row: ClaimedDelivery): Promise<Outcome> {
    let secret: string;
    try {
      secret = this.secrets.open(row.secretSealed);
    } catch {
      return { delivered: false, statusCode: null, error: 'the signing secret cannot be opened (sealed under another SCHOOLMAIL_SECRET_KEY?)' };
    }
    const body = JSON.stringify({ id: String(row.id), event: row.event, occurredAt: row.createdAt.toISOString(), data: row.payload });
    try {
      const { status, excerpt } = await this.post(row, body, signWebhookBody(secret, body));
      if (status >= 200 && status < 300) return { delivered: true, statusCode: status };
      return { delivered: false, statusCode: status, error: `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}` };
    } catch (error) {
      if (this.stopping.signal.aborted) return { delivered: false, statusCode: null, error: 'interrupted: the dispatcher stopped', retryNow: true };
      if ((error as Error).name === 'TimeoutError') return { delivered: false, statusCode: null, error: `no answer within ${this.config.timeoutMs} ms` };
      const code = (error as NodeJS.ErrnoException).code;
      return { delivered: false, statusCode: null, error: code === 'EPRIVATETARGET' || !code ? (error as Error).message : `${code}: ${(error as Error).message}` };
    }
  }

  /**
   * One POST with node:http(s), whose `lookup` hook lets the target guard see the address
   * connected to. Redirects are not followed (a 3xx is a failed attempt). Answers the
   * status and the first bytes of the body, for the delivery log.
   */
  private post(row: ClaimedDelivery, body: string, signature: string): Promise<{ status: number; excerpt: string }> {
    const url = new URL(row.url);
    const guarded = !privateTargetsAllowed(this.config.privateTargets, row.domainId === null);
    const refused = guarded ? literalTargetRefusal(url.hostname) : null;
    if (refused) return Promise.reject(refused);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const signal = AbortSignal.any([AbortSignal.timeout(this.config.timeoutMs), this.stopping.signal]);
    return new Promise((resolve, reject) => {
      const outgoing = request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Schoolmail-Webhooks/1',
          [SIGNATURE_HEADER]: signature,
          [EVENT_HEADER]: row.event,
          [DELIVERY_HEADER]: String(row.id),
        },
        ...(guarded ? { lookup: publicOnlyLookup } : {}),
        signal,
      });
      outgoing.on('error', (error) => reject(signal.aborted ? signal.reason : error));
      outgoing.on('response', (response) => readExcerpt(response).then((excerpt) => resolve({ status: response.statusCode ?? 0, excerpt }), reject));
      outgoing.end(body);
    });
  }

  private async record(row: ClaimedDelivery, outcome: Outcome) {
    if (outcome.delivered) {
      await this.db.$executeRaw`
        UPDATE "WebhookDelivery" SET status = 'delivered', "deliveredAt" = now(), "lastStatusCode" = ${outcome.statusCode}, "lastError" = NULL
        WHERE id = ${row.id}`;
      return;
    }
    const delayMs = outcome.retryNow ? 0 : backoffDelayMs(this.config, row.attempts);
    const expired = Date.now() + delayMs - row.createdAt.getTime() > this.config.maxAgeSeconds * 1000;
    await this.db.$executeRaw`
      UPDATE "WebhookDelivery"
      SET status = ${expired ? 'failed' : 'pending'}::"WebhookDeliveryStatus", "lastStatusCode" = ${outcome.statusCode}, "lastError" = ${outcome.error.slice(0, 500)},
          "nextAttemptAt" = now() + make_interval(secs => ${delayMs / 1000}::double precision)
      WHERE id = ${row.id}`;
  }
}

/** The first few hundred bytes of a response body, for the delivery log; the rest is not read. */
function readExcerpt(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      response.destroy();
      resolve(Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_BYTES).replace(/\s+/g, ' ').trim());
    };
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= ERROR_BODY_BYTES) done();
    });
    response.on('end', done);
    response.on('error', reject);
  });
}
