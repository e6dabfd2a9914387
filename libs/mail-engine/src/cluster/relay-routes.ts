/**
 * Where the queue takes mail for a mailbox that another back-end holds (a relay entry made at
 * RCPT TO, see smtp/recipients.ts): the owner's internal MX listener as the node registry
 * publishes it, whatever DNS says about the domain. The owner accepts it because the relaying
 * node is in its SCHOOLMAIL_CLUSTER_NETWORKS. An owner that is down or unregistered makes a
 * temporary failure: the entry waits and is retried like any other (and follows a fail-over).
 */
import type { Db } from '../contracts.js';
import type { RelayRouter, Route } from '../queue/transport.js';
import { mailboxOwnersByAddress } from './ownership.js';
import { chooseBackend } from './routing.js';

export class ClusterRelayRoutes implements RelayRouter {
  constructor(
    private readonly db: Db,
    private readonly options: { staleSeconds: number },
  ) {}

  async routes(recipients: string[]): Promise<{ routed: Route[]; others: string[] }> {
    const owners = await mailboxOwnersByAddress(
      this.db,
      recipients.map((r) => r.toLowerCase()),
    );
    const byNode = new Map<string, string[]>();
    const others: string[] = [];
    for (const recipient of recipients) {
      // A mailbox pinned nowhere has no owner to relay to: normal routing decides.
      const node = owners.get(recipient.toLowerCase())?.node;
      if (node) byNode.set(node, [...(byNode.get(node) ?? []), recipient]);
      else others.push(recipient);
    }
    const routed = await Promise.all(
      [...byNode].map(async ([node, group]): Promise<Route> => {
        const backend = await chooseBackend(this.db, node, 'mx', { staleSeconds: this.options.staleSeconds });
        return backend.ok
          ? { recipients: group, hops: [{ host: backend.host, port: backend.port }] }
          : { recipients: group, hops: [], unavailable: `cluster relay: ${backend.message}` };
      }),
    );
    return { routed, others };
  }
}
