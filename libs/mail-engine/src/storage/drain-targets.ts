/**
 * Where a blob leaving a draining unit goes: where the unit catalog would put new mail of the
 * domains whose mail holds it (`StorageUnitCatalog.choose`: the nearest-assigned active unit
 * with room, most free space first; the shared units for a domain without units of its own;
 * never a spill from a domain's units onto the shared ones).
 *
 * A blob held by several domains (one message to mailboxes of two districts) goes where the
 * domain holding it most often would put it, ties to the lower domain id; if that domain has
 * no unit with room, the next one is asked, and so on. A holder with no local domain (an
 * outbound message from an outside sender) counts as the shared units, asked after every
 * local domain. A blob none of them can take stays where it is, and the drainer reports it.
 */
import type { Tx } from '../contracts.js';
import { NoStorageAvailableError } from './errors.js';
import type { StorageUnitCatalog, StorageUnitRecord } from './unit-catalog.js';

/** For each blob, its references by domain (null: a holder with no local domain). */
export type HoldersByDomain = Map<bigint, Map<number | null, number>>;

interface HolderRow {
  blobId: bigint;
  domainId: number | null;
  refs: number;
}

/**
 * Who holds these blobs, by domain. Mailbox messages are counted first (indexed by blob);
 * the queue and the quarantine are only looked at for blobs the mailboxes do not account
 * for entirely (their blob columns have no index, and they hold few blobs for long).
 */
export async function holdersByDomain(tx: Tx, blobs: ReadonlyArray<{ id: bigint; refCount: number }>): Promise<HoldersByDomain> {
  const holders: HoldersByDomain = new Map(blobs.map((blob) => [blob.id, new Map()]));
  const add = (rows: HolderRow[]) => {
    for (const row of rows) {
      const byDomain = holders.get(row.blobId)!;
      byDomain.set(row.domainId, (byDomain.get(row.domainId) ?? 0) + row.refs);
    }
  };
  const ids = blobs.map((blob) => blob.id);
  add(
    await tx.$queryRaw<HolderRow[]>`
      SELECT m."blobId", a."domainId", count(*)::int AS "refs"
      FROM "MailboxMessage" m JOIN "MailboxFolder" f ON f."id" = m."folderId" JOIN "Account" a ON a."id" = f."accountId"
      WHERE m."blobId" = ANY(${ids}::bigint[])
      GROUP BY m."blobId", a."domainId"`,
  );
  const counted = (id: bigint) => [...holders.get(id)!.values()].reduce((sum, refs) => sum + refs, 0);
  const others = blobs.filter((blob) => counted(blob.id) < blob.refCount).map((blob) => blob.id);
  if (others.length) {
    // The last id of a domain path ("/3/17/" -> 17) is the holder's domain.
    add(
      await tx.$queryRaw<HolderRow[]>`
        SELECT "blobId", "domainId", count(*)::int AS "refs" FROM (
          SELECT q."blobId", COALESCE(a."domainId", substring(q."domainPath" from '([0-9]+)/?$')::int) AS "domainId"
          FROM "QuarantineEntry" q LEFT JOIN "Account" a ON a."id" = q."accountId"
          WHERE q."blobId" = ANY(${others}::bigint[])
          UNION ALL
          SELECT o."blobId", substring(o."senderDomainPath" from '([0-9]+)/?$')::int FROM "OutboundMessage" o
          WHERE o."blobId" = ANY(${others}::bigint[])
        ) r GROUP BY "blobId", "domainId"`,
    );
  }
  return holders;
}

/**
 * The unit a blob of `size` bytes held by `holders` moves to (see the rule above), or throws
 * NoStorageAvailableError when no unit can take it. Reads through `reader` (the drainer's
 * transaction).
 */
export async function chooseTarget(
  units: StorageUnitCatalog,
  holders: Map<number | null, number> | undefined,
  size: number,
  reader: Tx,
): Promise<StorageUnitRecord> {
  const domains = [...(holders?.size ? holders : new Map<number | null, number>([[null, 0]]))]
    .sort(([a, refsA], [b, refsB]) => (a === null ? 1 : b === null ? -1 : refsB - refsA || a - b))
    .map(([domainId]) => domainId);
  let refusal: NoStorageAvailableError | null = null;
  for (const domainId of domains) {
    try {
      return await units.choose(domainId, size, reader);
    } catch (error) {
      if (!(error instanceof NoStorageAvailableError)) throw error;
      refusal ??= error;
    }
  }
  throw refusal!;
}
