/** The cluster settings the API reads from the environment (see README "Running a cluster"). */
import { loadClusterConfig, loadEngineConfig, parseNetwork, type ClusterConfig, type Network } from '@schoolmail/mail-engine';

export interface ClusterSettings extends ClusterConfig {
  nodeId: string;
  /** The shared secret nginx sends in auth_http_header; unset: the endpoint refuses everything. */
  nginxAuthSecret?: string;
  /** Who may call the nginx auth endpoint (default: loopback only). */
  nginxAuthNetworks: Network[];
}

export const CLUSTER_SETTINGS = Symbol('CLUSTER_SETTINGS');

export function loadClusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const networks = (env.SCHOOLMAIL_NGINX_AUTH_NETWORKS || '127.0.0.0/8,::1').split(',').map((raw) => raw.trim()).filter(Boolean);
  return {
    ...loadClusterConfig(env),
    nodeId: loadEngineConfig(env).nodeId,
    nginxAuthSecret: env.SCHOOLMAIL_NGINX_AUTH_SECRET || undefined,
    nginxAuthNetworks: networks.map((raw) => {
      const network = parseNetwork(raw);
      if ('error' in network) throw new Error(`SCHOOLMAIL_NGINX_AUTH_NETWORKS: ${network.error}`);
      return network;
    }),
  };
}
