/**
 * Where remote POP may connect. Mailbox owners choose their sources' host and port and the
 * engine connects from inside the provider's network, so without this policy a source could
 * reach PostgreSQL on loopback, the cluster's private network or cloud metadata
 * (169.254.169.254), and its last error would tell what answered there.
 *
 * The API checks a source when it is saved (for a clear answer); the fetcher checks again at
 * every connection, on the addresses it actually connects to: the name is resolved once,
 * every address is checked, and only checked addresses are dialled. A name re-pointed after
 * the source was saved (DNS rebinding) is refused there.
 *
 * Settings (one list each, comma-separated):
 * - SCHOOLMAIL_RPOP_PORTS: ports, or ranges `a-b`, a source may use (default 110, 995).
 * - SCHOOLMAIL_RPOP_ALLOW: host names (`*.example.org` for its sub-names), addresses or CIDRs
 *   that may be reached although they are in a range refused by default (a partner's server
 *   on a private network). An allowed name is trusted whatever it resolves to.
 * - SCHOOLMAIL_RPOP_DENY: host names, addresses or CIDRs refused as well; deny wins over allow.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4, familyOf, kindOf } from '../net/internal-addresses.js';

export interface RpopDestinationSettings {
  /** Ports or ranges ("110", "1024-65535"). */
  ports: string[];
  /** Host names, `*.domain` patterns, IP addresses or CIDRs. */
  allow: string[];
  deny: string[];
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

/** Refused by the policy; `field` is the source's setting at fault. */
export class RpopDestinationRefused extends Error {
  constructor(
    readonly field: 'host' | 'port',
    message: string,
  ) {
    super(message);
    this.name = 'RpopDestinationRefused';
  }
}

const DEFAULT_RPOP_PORTS = ['110', '995'];

export function rpopDestinationSettings(env: NodeJS.ProcessEnv): RpopDestinationSettings {
  const list = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ports = list(env.SCHOOLMAIL_RPOP_PORTS);
  return { ports: ports.length ? ports : DEFAULT_RPOP_PORTS, allow: list(env.SCHOOLMAIL_RPOP_ALLOW), deny: list(env.SCHOOLMAIL_RPOP_DENY) };
}

const HOST_NAME = /^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

/** One of SCHOOLMAIL_RPOP_ALLOW / _DENY: names (exact, or `*.domain` for sub-names) and address ranges. */
class HostList {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly networks = new BlockList();

  constructor(variable: string, entries: string[]) {
    for (const raw of entries) {
      const entry = raw.toLowerCase().replace(/\.$/, '');
      const [network, prefixText, extra] = entry.split('/');
      if (prefixText !== undefined) {
        const prefix = Number(prefixText);
        const family = isIP(network!);
        if (!family || extra !== undefined || !/^[0-9]{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) throw new Error(`${variable}: "${raw}" is not a valid CIDR`);
        this.networks.addSubnet(network!, prefix, familyOf(network!));
      } else if (isIP(entry)) {
        this.networks.addAddress(entry, familyOf(entry));
      } else if (HOST_NAME.test(entry)) {
        if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
        else this.names.add(entry);
      } else {
        throw new Error(`${variable}: "${raw}" is not a host name, an IP address or a CIDR`);
      }
    }
  }

  hasName(host: string): boolean {
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  hasAddress(address: string): boolean {
    const bare = address.replace(/%.*$/, '');
    const embedded = embeddedIpv4(bare);
    return this.networks.check(bare, familyOf(bare)) || (embedded !== null && this.networks.check(embedded, 'ipv4'));
  }
}

type PortRange = [from: number, to: number];

function parsePorts(entries: string[]): PortRange[] {
  return entries.map((entry) => {
    const match = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(entry);
    const from = Number(match?.[1]);
    const to = Number(match?.[2] ?? match?.[1]);
    if (!match || from < 1 || to > 65535 || from > to) throw new Error(`SCHOOLMAIL_RPOP_PORTS: "${entry}" is not a port or a range of ports (such as 110 or 1024-65535)`);
    return [from, to];
  });
}

const systemResolver: HostResolver = (host) => lookup(host, { all: true });

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export class RpopDestinationPolicy {
  private readonly ports: PortRange[];
  private readonly allow: HostList;
  private readonly deny: HostList;

  /** Throws, naming the variable, when a setting cannot be read (the engine and the API refuse to start). */
  constructor(
    private readonly settings: RpopDestinationSettings,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.ports = parsePorts(settings.ports);
    this.allow = new HostList('SCHOOLMAIL_RPOP_ALLOW', settings.allow);
    this.deny = new HostList('SCHOOLMAIL_RPOP_DENY', settings.deny);
  }

  portRefusal(port: number): string | null {
    if (this.ports.some(([from, to]) => port >= from && port <= to)) return null;
    return `port ${port} is not allowed for remote POP; allowed: ${this.settings.ports.join(', ') || 'none'}`;
  }

  /**
   * For the API, when a source is saved: the name's current addresses are checked. A name that
   * does not resolve now is let through: the fetcher checks at every connection anyway.
   */
  async hostRefusal(rawHost: string, timeoutMs: number): Promise<string | null> {
    const host = normalise(rawHost);
    const byName = this.nameRefusal(host);
    if (byName) return byName;
    if (isIP(host)) return this.addressRefusal(host, host, false);
    let addresses: ResolvedAddress[];
    try {
      addresses = await withTimeout(this.resolve(host), timeoutMs, `no address for ${host}`);
    } catch {
      return null;
    }
    return this.firstRefusal(host, addresses, this.allow.hasName(host));
  }

  /**
   * For the fetcher: the addresses to connect to, every one of them checked. Throws
   * RpopDestinationRefused, or the resolver's error when the name does not resolve.
   */
  async addressesFor(rawHost: string, port: number, timeoutMs: number): Promise<ResolvedAddress[]> {
    const portRefusal = this.portRefusal(port);
    if (portRefusal) throw new RpopDestinationRefused('port', portRefusal);
    const host = normalise(rawHost);
    const byName = this.nameRefusal(host);
    if (byName) throw new RpopDestinationRefused('host', byName);
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await withTimeout(this.resolve(host), timeoutMs, `no address for ${host}`);
    if (!addresses.length) throw new Error(`no address for ${host}`);
    const refusal = this.firstRefusal(host, addresses, this.allow.hasName(host));
    if (refusal) throw new RpopDestinationRefused('host', refusal);
    return addresses;
  }

  /** A name on the deny list is refused whatever it resolves to (an allowed name skips the default ranges only). */
  private nameRefusal(host: string): string | null {
    return this.deny.hasName(host) ? `host ${host} is on the remote POP deny list` : null;
  }

  private firstRefusal(host: string, addresses: ResolvedAddress[], nameAllowed: boolean): string | null {
    for (const { address } of addresses) {
      const refusal = this.addressRefusal(host, address, nameAllowed);
      if (refusal) return refusal;
    }
    return null;
  }

  private addressRefusal(host: string, address: string, nameAllowed: boolean): string | null {
    const literal = isIP(host) !== 0;
    if (this.deny.hasAddress(address)) return literal ? `host ${address} is on the remote POP deny list` : `host resolves to ${address}, which is on the remote POP deny list`;
    if (nameAllowed || this.allow.hasAddress(address)) return null;
    const kind = kindOf(address);
    if (!kind) return null;
    return `host ${literal ? 'is' : 'resolves to'} ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address (${address}), which remote POP may not reach`;
  }
}

const normalise = (host: string) => host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
