import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { createAccounts, createMailDomain, createStorageUnit, temporaryDirectory } from '../../test/support/storage.js';

// The reference-count triggers of prisma/routines/001_blob_refcount.sql.
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let folderId: number;
let unitId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  const domain = await createMailDomain(db.prisma, 'refs.k12.us');
  const [accountId] = await createAccounts(db.prisma, domain, 1);
  folderId = (await db.prisma.mailboxFolder.create({ data: { accountId: accountId!, name: 'INBOX', uidValidity: 1 } })).id;
  unitId = (await createStorageUnit(db.prisma, { name: 'refs', directory: temporaryDirectory('refs') })).id;
});
afterAll(() => db?.drop());

/** A connection of its own, as the engine's long-lived ones: plans made in it stay cached. */
async function withConnection(use: (connection: pg.Client) => Promise<void>) {
  const connection = new pg.Client({ connectionString: db.url });
  await connection.connect();
  try {
    await use(connection);
  } finally {
    await connection.end();
  }
}

let nextBlob = 0;
async function createBlobs(count: number): Promise<bigint[]> {
  const rows = await db.prisma.$queryRaw<Array<{ id: bigint }>>`
    INSERT INTO "MessageBlob" ("sha256", "size", "storageUnitId")
    SELECT 'blob-' || (${nextBlob}::int + n), 10, ${unitId} FROM generate_series(1, ${count}::int) AS n
    RETURNING "id"`;
  nextBlob += count;
  return rows.map((row) => row.id);
}

let nextUid = 1;
/** Inserts one mailbox message per blob id in one statement; answers how many blob rows it read one by one. */
async function fileMessages(connection: pg.Client, blobIds: bigint[]) {
  await connection.query('BEGIN');
  await connection.query(
    `INSERT INTO "MailboxMessage" ("folderId", "uid", "blobId", "size", "flags", "internalDate")
     SELECT $1, $2::int + ord - 1, blob, 10, '{}', now() FROM unnest($3::bigint[]) WITH ORDINALITY AS t(blob, ord)`,
    [folderId, nextUid, blobIds.map(String)],
  );
  nextUid += blobIds.length;
  const { rows } = await connection.query(`SELECT seq_tup_read::int AS "rowsScanned" FROM pg_stat_xact_user_tables WHERE relname = 'MessageBlob'`);
  await connection.query('COMMIT');
  return rows[0] as { rowsScanned: number };
}

const refCounts = async (ids: bigint[]) =>
  (await db.prisma.messageBlob.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' }, select: { refCount: true } })).map((blob) => blob.refCount);

describe('blob reference counts', () => {
  it('looks blobs up by key in a connection that first used the trigger while the table was nearly empty', async () => {
    // The trigger's plan is made on first use in a connection and kept until the next ANALYZE.
    // Made for a batch of new blobs in a young table, it must not become a scan of the whole
    // table: every later delivery would read every blob.
    await withConnection(async (connection) => {
      const early = await createBlobs(8);
      await fileMessages(connection, early);
      await createBlobs(20_000);
      const [late1, late2] = await createBlobs(2);
      const { rowsScanned } = await fileMessages(connection, [late1!, late2!, late2!]);
      expect(rowsScanned).toBeLessThan(100);
      expect(await refCounts([late1!, late2!])).toEqual([1, 2]);
    });
  });

  it('counts every row of a statement, per blob, and gives the references back on delete', async () => {
    const [a, b] = await createBlobs(2);
    await withConnection((connection) => fileMessages(connection, [a!, a!, b!]).then(() => undefined));
    expect(await refCounts([a!, b!])).toEqual([2, 1]);
    await db.prisma.mailboxMessage.deleteMany({ where: { blobId: a! } });
    expect(await refCounts([a!, b!])).toEqual([0, 1]);
  });
});
