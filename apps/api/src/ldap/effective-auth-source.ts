import { nearestSource, type AuthSourceRow } from '@schoolmail/mail-engine';
import type { Database, Tx } from '../database/database.js';

/** The domain a source row belongs to: what a postmaster's right to manage it is checked against. */
export interface SourceOwner {
  id: number;
  name: string;
  path: string;
  depth: number;
}

/** The source that applies to the domain at `domainPath`: its own row, else the nearest ancestor's, with the domain that owns it. */
export async function effectiveAuthSource(db: Database | Tx, domainPath: string): Promise<{ row: AuthSourceRow; owner: SourceOwner } | null> {
  const ancestorIds = domainPath.split('/').filter(Boolean).map(Number);
  const rows = await db.domainAuthSource.findMany({
    where: { domainId: { in: ancestorIds } },
    include: { domain: { select: { id: true, name: true, path: true, depth: true } } },
  });
  const nearest = nearestSource(
    rows.map((row) => ({ row, path: row.domain.path })),
    domainPath,
  );
  if (!nearest) return null;
  const { domain, ...row } = nearest.row;
  return { row, owner: domain };
}

/** The LDAP source of a domain when it is in provisioning mode, else null. */
export async function provisioningSource(db: Database | Tx, domainId: number): Promise<AuthSourceRow | null> {
  const domain = await db.domain.findUniqueOrThrow({ where: { id: domainId }, select: { path: true } });
  const row = (await effectiveAuthSource(db, domain.path))?.row;
  return row?.kind === 'ldap' && row.provisioning ? row : null;
}
