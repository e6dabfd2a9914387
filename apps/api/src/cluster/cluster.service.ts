import { Inject, Injectable } from '@nestjs/common';
import { listClusterNodes, renderNginxConfig, servesMail, type ClusterNodeState } from '@schoolmail/mail-engine';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { domainName, parseInput } from '../common/validation.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { assignBackendInput, failoverInput } from './cluster.schemas.js';
import { CLUSTER_SETTINGS, type ClusterSettings } from './cluster.settings.js';

export interface ClusterNodeView {
  id: string;
  role: string;
  addresses: ClusterNodeState['addresses'];
  version: string;
  startedAt: string;
  heartbeatAt: string;
  healthy: boolean;
  /** Domains pinned to this node (their sub-domains follow unless pinned elsewhere). */
  domains: string[];
}

/** Cluster topology is platform-wide: staff only (a postmaster gets 403, not a partial view). */
function requireStaff(actor: Actor, what: string) {
  if (!actor.ability.can('manage', 'all')) throw new AppError('FORBIDDEN', `only platform staff may ${what}`);
}

@Injectable()
export class ClusterService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(CLUSTER_SETTINGS) private readonly settings: ClusterSettings,
    private readonly audit: AuditService,
  ) {}

  async nodes(actor: Actor): Promise<{ items: ClusterNodeView[] }> {
    requireStaff(actor, 'see the cluster nodes');
    const [nodes, pinned] = await Promise.all([
      listClusterNodes(this.prisma, this.settings.staleSeconds),
      this.prisma.domain.findMany({ where: { backendNode: { not: null } }, select: { name: true, backendNode: true }, orderBy: { name: 'asc' } }),
    ]);
    return {
      items: nodes.map((node) => ({
        id: node.id,
        role: node.role,
        addresses: node.addresses,
        version: node.version,
        startedAt: node.startedAt.toISOString(),
        heartbeatAt: node.heartbeatAt.toISOString(),
        healthy: node.healthy,
        domains: pinned.filter((d) => d.backendNode === node.id).map((d) => d.name),
      })),
    };
  }

  /** Pins a domain (and its sub-domains without a pin of their own) to a back-end; logins are routed there at once. */
  async assign(actor: Actor, rawDomain: string, rawInput: unknown) {
    requireStaff(actor, 'assign domains to back-end nodes');
    const name = parseInput(domainName, rawDomain);
    const { node } = parseInput(assignBackendInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await tx.domain.findUnique({ where: { name }, select: { id: true, path: true, backendNode: true } });
      if (!domain) throw AppError.notFound('domain', name);
      await this.requireMailNode(tx, node);
      const updated = await tx.domain.update({ where: { id: domain.id }, data: { backendNode: node, version: { increment: 1 } }, select: { name: true, backendNode: true, version: true } });
      await this.audit.record(tx, actor, {
        action: 'domain.backend.assign',
        subjectType: 'Domain',
        subjectId: name,
        domain: { id: domain.id, path: domain.path },
        before: { backendNode: domain.backendNode },
        after: { backendNode: node },
      });
      return { domain: updated.name, backendNode: updated.backendNode, version: updated.version };
    });
  }

  /**
   * Hot stand-by: every domain pinned to `from` moves to `to` in one transaction, with the
   * accounts routed there by their own mailHost (the directory's attribute should follow: a
   * later LDAP sync writes it back), and the queue entries `from` was delivering are released
   * so that any live node's reaper takes them over (their message files sit on the shared
   * storage). Mail queued for relay to `from` follows on its next retry: routing is read then.
   */
  async failover(actor: Actor, rawInput: unknown) {
    requireStaff(actor, 'fail over back-end nodes');
    const { from, to } = parseInput(failoverInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      await this.requireMailNode(tx, to);
      const domains = await tx.domain.findMany({ where: { backendNode: from }, select: { name: true }, orderBy: { name: 'asc' } });
      await tx.domain.updateMany({ where: { backendNode: from }, data: { backendNode: to, version: { increment: 1 } } });
      const { count: accounts } = await tx.account.updateMany({ where: { mailHost: from }, data: { mailHost: to, version: { increment: 1 } } });
      const releasedQueueEntries = await tx.$executeRaw`
        UPDATE "QueueEntry" SET "claimedUntil" = now() - interval '1 second' WHERE "claimedBy" = ${from} AND state = 'delivering'`;
      const result = { from, to, domains: domains.map((d) => d.name), accounts, releasedQueueEntries };
      await this.audit.record(tx, actor, { action: 'cluster.failover', subjectType: 'ClusterNode', subjectId: from, domain: null, after: result });
      return result;
    });
  }

  /** nginx.conf for the front-end tier, with the secret left as a placeholder (the CLI fills it in locally). */
  async nginxConfig(actor: Actor, listen: { imap?: string; pop3?: string; smtp?: string; authUrl?: string }) {
    requireStaff(actor, 'read the front-end configuration');
    const nodes = await listClusterNodes(this.prisma, this.settings.staleSeconds);
    const self = nodes.find((n) => n.id === this.settings.nodeId)?.addresses.http ?? `127.0.0.1:${this.config.httpPort}`;
    return renderNginxConfig({
      authUrl: listen.authUrl ?? `http://${self}/api/v1/internal/nginx-auth`,
      listen: { imap: listen.imap ?? '0.0.0.0:143', pop3: listen.pop3 ?? '0.0.0.0:110', smtp: listen.smtp ?? '0.0.0.0:587' },
      nodes,
    });
  }

  private async requireMailNode(tx: Tx, id: string) {
    const node = await tx.clusterNode.findUnique({ where: { id }, select: { role: true } });
    if (!node) throw AppError.notFound('cluster node', id);
    if (!servesMail(node as { role: 'all' | 'api' | 'backend' })) throw AppError.conflict(`node "${id}" has role ${node.role}: it runs no mail engine`, 'node');
  }
}
