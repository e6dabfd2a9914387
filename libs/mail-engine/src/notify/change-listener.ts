/**
 * One dedicated PostgreSQL connection per engine process that LISTENs on the change channels
 * and hands each notification to the subscribers of its channel. Notifications sent while
 * the connection is down are lost, so after a reconnect every subscriber is told "anything
 * may have changed" (`missed`), and until then `connected` is false (caches must not trust
 * what they hold). Reconnects with exponential backoff, 100 ms up to 5 s.
 */
import pg from 'pg';

export const LISTENER_APPLICATION_NAME = 'schoolmail-change-listener';

export interface ChangeSubscriber {
  notified(payload: string): void;
  /** The connection was (re)established after a gap in which notifications may have been missed. */
  missed(): void;
}

export class ChangeListener {
  private client: pg.Client | null = null;
  private readonly subscribers = new Map<string, Set<ChangeSubscriber>>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 100;
  private everConnected = false;
  private firstConnection: Promise<void> | null = null;
  connected = false;

  constructor(
    private readonly connectionString: string,
    private readonly log: (line: string) => void,
  ) {}

  subscribe(channel: string, subscriber: ChangeSubscriber): () => void {
    let set = this.subscribers.get(channel);
    if (!set) {
      set = new Set();
      this.subscribers.set(channel, set);
      // A channel subscribed to after start is listened to at once.
      const client = this.client;
      if (client && this.connected) client.query(`LISTEN ${channel}`).catch((error: unknown) => this.lost(client, error));
    }
    set.add(subscriber);
    return () => set.delete(subscriber);
  }

  /** Connects; resolves once listening (or rejects when the first attempt fails; retries continue). */
  start(): Promise<void> {
    this.firstConnection ??= this.connect();
    return this.firstConnection;
  }

  private async connect(): Promise<void> {
    // Named, so operators (and tests) can tell it apart in pg_stat_activity.
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: LISTENER_APPLICATION_NAME });
    this.client = client;
    client.on('notification', (message) => {
      const set = this.subscribers.get(message.channel);
      if (!set) return;
      for (const subscriber of [...set]) {
        try {
          subscriber.notified(message.payload ?? '');
        } catch (error) {
          this.log(`notify: subscriber of ${message.channel} failed: ${String(error)}`);
        }
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.lost(client, error);
      throw error;
    }
    if (this.stopped || this.client !== client) return;
    this.connected = true;
    this.backoffMs = 100;
    if (this.everConnected) {
      this.log('notify: change listener reconnected; caches dropped');
      for (const set of this.subscribers.values()) for (const subscriber of [...set]) subscriber.missed();
    }
    this.everConnected = true;
  }

  /** `client` failed: unless it was already replaced (or stopped), drop it and schedule a reconnect. */
  private lost(client: pg.Client, error: unknown) {
    if (this.client !== client) return;
    this.client = null;
    const wasConnected = this.connected;
    this.connected = false;
    client.removeAllListeners('notification');
    client.end().catch(() => {});
    if (this.stopped) return;
    if (wasConnected) this.log(`notify: change listener lost its connection (${String(error)}); reconnecting`);
    // Subscribers stop trusting their caches now, not only after the reconnect.
    for (const set of this.subscribers.values()) for (const subscriber of [...set]) subscriber.missed();
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => {});
    }, delay);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.connected = false;
    await client?.end().catch(() => {});
  }
}
