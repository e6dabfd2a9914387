/**
 * Local delivery into the INBOX of each recipient, in one statement however many recipients
 * and however many messages: the deliveries made in one transaction at the same moment (the
 * messages of one group commit, see tx-batch.ts) are coalesced, so a batch of 20 messages
 * for 50 recipients each costs the same round trip as one message for one recipient.
 */
import type { MailboxDelivery, Mailboxes, Tx } from '../contracts.js';
import { TxBatcher } from '../tx-batch.js';
import { ensureDefaultFoldersOf, INBOX } from './default-folders.js';
import { deliveryCtes, internalDateOf } from './delivery-sql.js';

export interface DeliveryRequest {
  blobId: bigint;
  size: number;
  internalDate: Date;
  accountIds: number[];
  flags?: string[];
}

interface DeliveredRow {
  row: number;
  folderId: number;
  uid: number;
}

/** One statement for all `rows` (see delivery-sql.ts); no row when some account has no INBOX yet. */
async function deliverRows(tx: Tx, rows: Array<{ accountId: number; blobId: bigint; size: number; internalDate: Date; flags: string[] }>, accountIds: number[]) {
  const sql = `
    WITH input AS (
      SELECT t."row"::int AS "row", t."accountId", t."blobId", t."size", t."flags", ${internalDateOf('t."ms"')} AS "internalDate"
      FROM unnest($1::int[], $2::bigint[], $3::int[], $4::float8[], $5::text[]) WITH ORDINALITY AS t("accountId", "blobId", "size", "ms", "flags", "row")
    ), ${deliveryCtes('$6')}
    SELECT "row", "folderId", "uid" FROM placed`;
  return tx.$queryRawUnsafe<DeliveredRow[]>(
    sql,
    rows.map((r) => r.accountId),
    rows.map((r) => r.blobId),
    rows.map((r) => r.size),
    rows.map((r) => r.internalDate.getTime()),
    rows.map((r) => JSON.stringify(r.flags)),
    accountIds,
  );
}

async function deliverAll(tx: Tx, messages: DeliveryRequest[]): Promise<MailboxDelivery[][]> {
  const perMessage = messages.map((message) => [...new Set(message.accountIds)].sort((a, b) => a - b));
  const rows = messages.flatMap((message, i) =>
    perMessage[i]!.map((accountId) => ({ accountId, blobId: message.blobId, size: message.size, internalDate: message.internalDate, flags: message.flags ?? [] })),
  );
  if (rows.length === 0) return messages.map(() => []);
  const accountIds = [...new Set(rows.map((row) => row.accountId))].sort((a, b) => a - b);
  let delivered = await deliverRows(tx, rows, accountIds);
  if (delivered.length < rows.length) {
    // First delivery to some of them: create their folders, then deliver.
    const present = await tx.mailboxFolder.findMany({ where: { accountId: { in: accountIds }, name: INBOX }, select: { accountId: true } });
    const served = new Set(present.map((folder) => folder.accountId));
    await ensureDefaultFoldersOf(tx, accountIds.filter((id) => !served.has(id)));
    delivered = await deliverRows(tx, rows, accountIds);
    if (delivered.length < rows.length) {
      const reached = new Set((await tx.mailboxFolder.findMany({ where: { accountId: { in: accountIds }, name: INBOX }, select: { accountId: true } })).map((f) => f.accountId));
      throw new Error(`no INBOX for account(s) ${accountIds.filter((id) => !reached.has(id)).join(', ')}: do they exist?`);
    }
  }
  const byRow = new Map(delivered.map((d) => [Number(d.row), d]));
  let next = 1;
  return perMessage.map((ids) =>
    ids.map((accountId) => {
      const d = byRow.get(next++)!;
      return { accountId, folderId: d.folderId, uid: d.uid };
    }),
  );
}

export class PrismaMailboxes implements Mailboxes {
  private readonly batcher = new TxBatcher<DeliveryRequest, MailboxDelivery[]>(deliverAll);

  deliver(tx: Tx, message: DeliveryRequest): Promise<MailboxDelivery[]> {
    return this.batcher.load(tx, message);
  }
}
