/**
 * Protocol-time lookups (domains, recipients, mailbox settings) are answered from memory for
 * a few seconds: at 1,000 messages a second the same few addresses come up again and again,
 * and an administrator's change showing a few seconds later is acceptable. Concurrent
 * lookups of one key share one query; a failed lookup is not kept.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  has(key: K): boolean {
    const hit = this.entries.get(key);
    return !!hit && hit.expires > Date.now();
  }

  /** The cached value, if any and still fresh, without loading. */
  async peek(key: K): Promise<V | undefined> {
    const hit = this.entries.get(key);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
