/**
 * Trusted client networks: the engine's own (SCHOOLMAIL_TRUSTED_NETWORKS) and those of the
 * server-level acceptance policy. A trusted client may use a local domain as sender on the
 * MX, and its mail skips the content refusals.
 */
import type { Db } from '../contracts.js';
import { findNetwork, parseNetwork, type Network } from '../acceptance/cidr.js';
import { resolveAcceptancePolicy } from '../acceptance/resolve-policy.js';

export class TrustedClients {
  private readonly networks: Network[];

  constructor(
    private readonly db: Db,
    configured: readonly string[],
    log: (line: string) => void,
  ) {
    this.networks = [];
    for (const text of configured) {
      const network = parseNetwork(text);
      if ('error' in network) log(`SCHOOLMAIL_TRUSTED_NETWORKS: ignoring ${network.error}`);
      else this.networks.push(network);
    }
  }

  /** Trusted by the engine's configuration alone (no query). */
  byConfig(clientIp: string): boolean {
    return findNetwork(this.networks, clientIp) !== undefined;
  }

  async isTrusted(clientIp: string): Promise<boolean> {
    if (this.byConfig(clientIp)) return true;
    // With no sender and no recipient, only the server-level policy applies: its trusted networks.
    return (await resolveAcceptancePolicy(this.db, { clientIp, sender: null })).skipContentChecks;
  }
}
