/**
 * Which authentication source applies to a domain: its own DomainAuthSource row, else its
 * nearest ancestor's, else local. The rows are few and rarely change, so one process keeps
 * them all for a few seconds; a login in a domain tree without any row costs no query.
 */
import type { DomainAuthSource } from '@schoolmail/prisma';
import type { Db } from '../contracts.js';

export type AuthSourceRow = DomainAuthSource;

interface Snapshot {
  rows: Array<AuthSourceRow & { path: string }>;
  domainPaths: Map<number, string>;
  until: number;
}

/** The path "/1/5/9/" lists the ids of a domain and its ancestors; the longest prefix is the nearest. */
export function nearestSource<T extends { path: string }>(rows: T[], domainPath: string): T | null {
  let nearest: T | null = null;
  for (const row of rows) if (domainPath.startsWith(row.path) && (!nearest || row.path.length > nearest.path.length)) nearest = row;
  return nearest;
}

export class AuthSources {
  private snapshot: Promise<Snapshot> | null = null;

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 5_000,
  ) {}

  /** The LDAP source that verifies passwords of `domainId`'s accounts; null when they are local. */
  async forDomain(domainId: number): Promise<AuthSourceRow | null> {
    const snapshot = await this.current();
    if (snapshot.rows.length === 0) return null;
    let path = snapshot.domainPaths.get(domainId);
    if (path === undefined) {
      path = (await this.db.domain.findUnique({ where: { id: domainId }, select: { path: true } }))?.path ?? '';
      snapshot.domainPaths.set(domainId, path);
    }
    const nearest = nearestSource(snapshot.rows, path);
    return nearest?.kind === 'ldap' ? nearest : null;
  }

  private async current(): Promise<Snapshot> {
    const cached = this.snapshot && (await this.snapshot.catch(() => null));
    if (cached && cached.until > Date.now()) return cached;
    const loading = this.load();
    this.snapshot = loading;
    return loading;
  }

  private async load(): Promise<Snapshot> {
    const rows = await this.db.domainAuthSource.findMany({ include: { domain: { select: { path: true } } } });
    return {
      rows: rows.map(({ domain, ...row }) => ({ ...row, path: domain.path })),
      domainPaths: new Map(),
      until: Date.now() + this.refreshMs,
    };
  }
}
