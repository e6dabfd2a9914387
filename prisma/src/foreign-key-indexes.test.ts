import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';

describe('schema', () => {
  it('backs every foreign key with an index that starts with its columns', async () => {
    // Without one, each delete (or key update) of a referenced row scans the whole referencing
    // table for its foreign-key check: freeing a blob scanned the outbound queue, deleting an
    // account scanned every session, and the queue found a message's entries by scanning.
    const db = await createTestDatabase();
    try {
      const unindexed = await db.prisma.$queryRaw<Array<{ key: string }>>`
        SELECT c.conrelid::regclass::text || '(' ||
               (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) || ')' AS key
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        ORDER BY 1`;
      expect(unindexed.map((row) => row.key)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
