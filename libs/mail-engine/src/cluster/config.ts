/** The cluster's settings, from the environment (see README "Running a cluster"). */
export type NodeRole = 'all' | 'api' | 'backend';

export interface ClusterConfig {
  role: NodeRole;
  /** How often this process renews its heartbeat. */
  heartbeatSeconds: number;
  /** A node whose last heartbeat is older than this is unhealthy (not routed to). */
  staleSeconds: number;
  /** The host other nodes and nginx reach this node's mail ports on (an IP for nginx; default: the listen host, or 127.0.0.1 for a wildcard). */
  advertiseHost?: string;
}

export function nodeRoleOf(raw: string | undefined): NodeRole {
  const role = raw === undefined || raw === '' ? 'all' : raw;
  if (role !== 'all' && role !== 'api' && role !== 'backend') throw new Error(`SCHOOLMAIL_ROLE must be all, api or backend, got "${raw}"`);
  return role;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number of seconds, got "${raw}"`);
  return value;
}

export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const heartbeatSeconds = seconds(env, 'SCHOOLMAIL_HEARTBEAT_SECONDS', 5);
  return {
    role: nodeRoleOf(env.SCHOOLMAIL_ROLE),
    heartbeatSeconds,
    // Three missed beats: one slow database round trip does not mark a node down.
    staleSeconds: seconds(env, 'SCHOOLMAIL_NODE_STALE_SECONDS', heartbeatSeconds * 3),
    advertiseHost: env.SCHOOLMAIL_ADVERTISE_HOST || undefined,
  };
}
