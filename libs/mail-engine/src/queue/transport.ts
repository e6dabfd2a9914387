/**
 * Where to deliver mail for a domain: in a cluster, a mailbox held by a back-end goes to that
 * node (the relay router, cluster/relay-routes.ts); else a transport override (`host:port`,
 * as Postfix's transport map: smart hosts, and the sink servers of the tests), else the MX
 * records in preference order, else the domain's own address records (RFC 5321 section 5.1).
 */
import { Resolver } from 'node:dns/promises';
import type { Db } from '../contracts.js';

export interface NextHop {
  host: string;
  port: number;
}

/** Some recipients of one domain and the hosts to try for them. */
export interface Route {
  recipients: string[];
  hops: NextHop[];
  /** Why these recipients cannot be delivered now (a temporary failure). */
  unavailable?: string;
}

/** Routes recipients that the cluster delivers itself; `others` take the domain's normal route. */
export interface RelayRouter {
  routes(recipients: string[]): Promise<{ routed: Route[]; others: string[] }>;
}

/** A routing failure, permanent (no such domain, null MX) or temporary (DNS trouble). */
export class RoutingError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status: string,
  ) {
    super(message);
  }
}

/** Parses `host:port`, `[ipv6]:port` or a bare host (port 25). */
export function parseNextHop(value: string): NextHop | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return null;
  const port = match[3] === undefined ? 25 : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: (match[1] ?? match[2])!, port };
}

const TRANSPORT_CACHE_MS = 3000;

export class NextHopResolver {
  private readonly transports = new Map<string, { hop: NextHop | null; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly resolver: Pick<Resolver, 'resolveMx' | 'resolve4' | 'resolve6'> = new Resolver({ timeout: 10_000, tries: 2 }),
    private readonly relay: RelayRouter | null = null,
  ) {}

  /** The routes for some recipients of `domain`: the cluster's own first, the domain's route for the rest. */
  async routes(domain: string, recipients: string[]): Promise<Route[]> {
    const relayed = this.relay ? await this.relay.routes(recipients) : { routed: [], others: recipients };
    if (relayed.others.length === 0) return relayed.routed;
    return [...relayed.routed, { recipients: relayed.others, hops: await this.resolve(domain) }];
  }

  /** The hosts to try, in order. Transports are re-read every few seconds, so API changes apply at once. */
  async resolve(domain: string): Promise<NextHop[]> {
    const override = await this.transportFor(domain);
    if (override) return [override];
    return this.mxHosts(domain);
  }

  private async transportFor(domain: string) {
    const cached = this.transports.get(domain);
    if (cached && cached.until > Date.now()) return cached.hop;
    const row = await this.db.transport.findUnique({ where: { domain } });
    // A domain being migrated: mail for its addresses without an account here goes to the old platform.
    const migration = row ? null : await this.db.domain.findFirst({ where: { name: domain, migrationState: 'migrating' }, select: { migrationForwardTo: true } });
    const nextHop = row?.nextHop ?? migration?.migrationForwardTo;
    const hop = nextHop ? parseNextHop(nextHop) : null;
    this.transports.set(domain, { hop, until: Date.now() + TRANSPORT_CACHE_MS });
    return hop;
  }

  private async mxHosts(domain: string): Promise<NextHop[]> {
    let records: Array<{ exchange: string; priority: number }> = [];
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOTFOUND') throw new RoutingError(`domain ${domain} does not exist (DNS: no such domain)`, true, '5.1.2');
      // Anything but "no such domain" or "no MX" may heal: a timeout, a failing server.
      if (code !== 'ENODATA') throw new RoutingError(`DNS lookup of MX for ${domain} failed (${code || String(error)})`, false, '4.4.3');
    }
    if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.')) {
      throw new RoutingError(`domain ${domain} accepts no mail (null MX, RFC 7505)`, true, '5.1.10');
    }
    if (records.length > 0) {
      return records.sort((a, b) => a.priority - b.priority).map((r) => ({ host: r.exchange.replace(/\.$/, ''), port: 25 }));
    }
    // No MX: the domain itself is the mail host when it has an address (implicit MX).
    const addresses = await Promise.all([
      this.resolver.resolve4(domain).catch(() => [] as string[]),
      this.resolver.resolve6(domain).catch(() => [] as string[]),
    ]);
    if (addresses[0].length + addresses[1].length === 0) throw new RoutingError(`domain ${domain} has no MX and no address records`, true, '5.1.2');
    return [{ host: domain, port: 25 }];
  }
}
