/**
 * "Send as" (MAIL FROM of an authenticated user): its own address, an alias that delivers
 * to it, or a group's or another account's address that was granted to it (SendAsGrant).
 */
import type { PrismaClient } from '@schoolmail/prisma';

export type SendAsDb = Pick<PrismaClient, 'account' | 'alias' | 'sendAsGrant' | 'address'>;

export async function sendAsAllowed(db: SendAsDb, accountId: number, rawAddress: string): Promise<boolean> {
  const address = rawAddress.trim().replace(/^<|>$/g, '').toLowerCase();
  if (!address.includes('@')) return false;
  const account = await db.account.findUnique({ where: { id: accountId }, select: { address: true } });
  if (!account) return false;
  if (account.address === address) return true;
  const [alias, grant] = await Promise.all([
    db.alias.findFirst({ where: { address, targets: { has: account.address } }, select: { id: true } }),
    db.sendAsGrant.findUnique({ where: { accountId_address: { accountId, address } }, select: { id: true } }),
  ]);
  if (alias) return true;
  if (!grant) return false;
  // A grant outlives nothing: once the group or account behind the address is gone (and
  // the address perhaps reused by someone else), the grant no longer lets anyone use it.
  const owner = await db.address.findUnique({ where: { address }, select: { kind: true } });
  return owner?.kind === 'group' || owner?.kind === 'account';
}
