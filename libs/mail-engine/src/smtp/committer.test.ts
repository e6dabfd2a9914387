import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { GroupCommitter } from './committer.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('GroupCommitter', () => {
  it('commits the work of concurrent callers together, each resolved only after the commit', async () => {
    const committer = new GroupCommitter(db.prisma, { maxBatch: 50, maxInFlight: 1 });
    const transactions = new Set<number>();
    const jobs = Array.from({ length: 30 }, (_, i) =>
      committer.commit(
        async (tx) => {
          const [{ txid }] = await tx.$queryRaw<Array<{ txid: bigint }>>`SELECT txid_current() AS txid`;
          transactions.add(Number(txid));
        },
        [{ kind: 'accepted', queueId: `Q${i}` }],
      ).then(async () => db.prisma.mailEvent.count({ where: { queueId: `Q${i}` } })),
    );
    expect(await Promise.all(jobs)).toEqual(Array(30).fill(1));
    expect(transactions.size).toBeLessThan(30);
  });

  it('retries the others alone when one job of a batch fails, and rejects only that one', async () => {
    const committer = new GroupCommitter(db.prisma, { maxInFlight: 1 });
    const results = await Promise.allSettled(
      ['A', 'B', 'C'].map((name) =>
        committer.commit(async (tx) => {
          await tx.mailEvent.create({ data: { kind: 'test', queueId: `job-${name}` } });
          if (name === 'B') throw new Error('B is broken');
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('B is broken');
    const written = await db.prisma.mailEvent.findMany({ where: { kind: 'test' }, orderBy: { queueId: 'asc' } });
    expect(written.map((e) => e.queueId)).toEqual(['job-A', 'job-C']);
  });
});
