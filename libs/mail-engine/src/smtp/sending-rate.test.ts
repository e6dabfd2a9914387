import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Db } from '../contracts.js';
import { SmtpReply } from './replies.js';
import { BUCKET_SECONDS, bucketOf, rateVerdict, SendingRate, WINDOW_BUCKETS, type CounterRow } from './sending-rate.js';

const T0 = 1_800_000_000; // a bucket boundary (divisible by 300)

/** The ring as the counting statement keeps it (sending-rate.ts COUNT_SQL), in memory. */
function countInRing(ring: Map<number, CounterRow>, bucket: number) {
  const row = ring.get(bucket % WINDOW_BUCKETS);
  if (!row || row.bucket < bucket) ring.set(bucket % WINDOW_BUCKETS, { bucket, messages: 1 });
  else if (row.bucket === bucket) row.messages++;
}

describe('rateVerdict', () => {
  it('allows below the limit and refuses at it, until the oldest bucket leaves the window', () => {
    const rows = [
      { bucket: bucketOf(T0), messages: 2 },
      { bucket: bucketOf(T0) + 3, messages: 1 },
    ];
    expect(rateVerdict(T0 + 3 * BUCKET_SECONDS + 10, rows, 4)).toEqual({ sent: 3, allowed: true, retryAfterSeconds: 0 });
    const refused = rateVerdict(T0 + 3 * BUCKET_SECONDS + 10, rows, 3);
    expect(refused).toEqual({ sent: 3, allowed: false, retryAfterSeconds: WINDOW_BUCKETS * BUCKET_SECONDS - 3 * BUCKET_SECONDS - 10 });
    // 65 minutes after the first bucket began, it is out of the window.
    expect(rateVerdict(T0 + 65 * 60, rows, 3).allowed).toBe(true);
    expect(rateVerdict(T0 + 65 * 60 - 1, rows, 3).allowed).toBe(false);
  });

  it('waits for as many old buckets as it takes to get below the limit', () => {
    const rows = [
      { bucket: bucketOf(T0), messages: 1 },
      { bucket: bucketOf(T0) + 1, messages: 1 },
      { bucket: bucketOf(T0) + 2, messages: 5 },
    ];
    expect(rateVerdict(T0 + 3 * BUCKET_SECONDS, rows, 6).retryAfterSeconds).toBe((WINDOW_BUCKETS - 2) * BUCKET_SECONDS);
  });

  it('ignores rows of buckets that left the window (a slot not reused yet), and a limit of 0 allows nothing', () => {
    expect(rateVerdict(T0 + 2 * 3600, [{ bucket: bucketOf(T0), messages: 50 }], 1)).toMatchObject({ sent: 0, allowed: true });
    expect(rateVerdict(T0, [], 0)).toMatchObject({ allowed: false, retryAfterSeconds: WINDOW_BUCKETS * BUCKET_SECONDS });
  });

  it('never lets any 60 minutes hold more than the limit, refuses only with the limit reached in the last 65 minutes, and the retry time is exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 1200 }), { minLength: 1, maxLength: 150 }), (limit, gaps) => {
        const ring = new Map<number, CounterRow>();
        const accepted: number[] = [];
        let t = T0 + 7;
        for (const gap of gaps) {
          t += gap;
          const verdict = rateVerdict(t, [...ring.values()], limit);
          const windowStart = (bucketOf(t) - (WINDOW_BUCKETS - 1)) * BUCKET_SECONDS;
          const recent = accepted.filter((at) => at >= windowStart).length;
          expect(verdict.allowed).toBe(recent < limit);
          if (verdict.allowed) {
            accepted.push(t);
            countInRing(ring, bucketOf(t));
            expect(accepted.filter((at) => at > t - 3600).length).toBeLessThanOrEqual(limit);
          } else {
            expect(rateVerdict(t + verdict.retryAfterSeconds, [...ring.values()], limit).allowed).toBe(true);
            expect(rateVerdict(t + verdict.retryAfterSeconds - 1, [...ring.values()], limit).allowed).toBe(false);
          }
        }
      }),
    );
  });
});

describe('SendingRate.check', () => {
  /** A database whose ring for every account is `rows` now; counts its queries. */
  function fakeDb(rows: CounterRow[], nowSeconds: number) {
    const db = {
      queries: 0,
      $queryRaw: async () => {
        db.queries++;
        return rows.length ? rows.map((row) => ({ now: nowSeconds, ...row })) : [{ now: nowSeconds, bucket: null, messages: null }];
      },
    };
    return db;
  }

  it('refuses with 451 4.7.1 naming the limit, and remembers the refusal until the window frees a place, for that limit only', async () => {
    const db = fakeDb([{ bucket: bucketOf(T0), messages: 3 }], T0 + 60);
    let clock = 1_000_000;
    const rate = new SendingRate(db as unknown as Db, () => clock);
    const refusal = await rate.check(1, 3).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SmtpReply);
    expect(refusal).toMatchObject({ code: '451 4.7.1', text: 'Sending limit of 3 messages per hour reached, try again later' });
    await expect(rate.check(1, 3)).rejects.toThrow(SmtpReply);
    expect(db.queries).toBe(1);
    // A changed limit is looked up afresh.
    await rate.check(1, 4);
    expect(db.queries).toBe(2);
    await expect(rate.check(1, 3)).rejects.toThrow(SmtpReply);
    clock += (WINDOW_BUCKETS * BUCKET_SECONDS - 60) * 1000 - 1;
    await expect(rate.check(1, 3)).rejects.toThrow(SmtpReply);
    expect(db.queries).toBe(3);
    clock += 1;
    await expect(rate.check(1, 3)).rejects.toThrow(SmtpReply); // the fake database still says 3
    expect(db.queries).toBe(4);
  });

  it('allows an account with nothing counted, and asks the database every time it allows', async () => {
    const db = fakeDb([], T0);
    const rate = new SendingRate(db as unknown as Db);
    await rate.check(7, 1);
    await rate.check(7, 1);
    expect(db.queries).toBe(2);
  });
});
