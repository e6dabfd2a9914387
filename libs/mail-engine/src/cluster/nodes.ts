/** The registered nodes with their health, judged on the database's clock. */
import type { Db } from '../contracts.js';
import type { NodeRole } from './config.js';
import type { NodeAddresses } from './node-registry.js';

export interface ClusterNodeState {
  id: string;
  role: NodeRole;
  addresses: NodeAddresses;
  version: string;
  startedAt: Date;
  heartbeatAt: Date;
  /** Its heartbeat is younger than the stale limit. */
  healthy: boolean;
}

export async function listClusterNodes(db: Db, staleSeconds: number): Promise<ClusterNodeState[]> {
  return db.$queryRaw<ClusterNodeState[]>`
    SELECT "id", "role", "addresses", "version", "startedAt", "heartbeatAt",
      "heartbeatAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${staleSeconds}::double precision) AS "healthy"
    FROM "ClusterNode" ORDER BY "id"`;
}

/** Nodes that run the mail engine, so that domains may be assigned to them. */
export const servesMail = (node: Pick<ClusterNodeState, 'role'>) => node.role === 'all' || node.role === 'backend';
