export type NodeRole = 'all' | 'api' | 'backend';

/** GET /api/v1/cluster/nodes items */
export interface ClusterNode {
  id: string;
  role: NodeRole;
  addresses: Partial<Record<'smtp' | 'submission' | 'imap' | 'pop3' | 'http', string>>;
  version: string;
  startedAt: string;
  heartbeatAt: string;
  /** Its heartbeat is recent (judged on the database's clock). */
  healthy: boolean;
  /** Domains pinned to this node; their sub-domains follow unless pinned elsewhere. */
  domains: string[];
}

/** POST /api/v1/cluster/failover */
export interface FailoverResult {
  from: string;
  to: string;
  domains: string[];
  releasedQueueEntries: number;
}

export const ROLE_LABEL: Record<NodeRole, string> = { all: 'API and mail', api: 'API only', backend: 'mail back-end' };

/** Only nodes running the mail engine can take domains. */
export const servesMail = (node: ClusterNode) => node.role === 'all' || node.role === 'backend';

export function heartbeatAge(iso: string, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}
