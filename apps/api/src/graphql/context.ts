import DataLoader from 'dataloader';
import { accessibleBy } from '@schoolmail/rbac';
import type { Database } from '../database/database.js';
import type { RequestWithActor } from '../common/actor.js';
import { domainInclude, presentDomain, type DomainView } from '../domains/domains.service.js';

/**
 * Per-request batch loaders for nested GraphQL reads: every level of a nested query costs
 * one SQL query, whatever the number of parents. Each batch is filtered by the requesting
 * actor's ability, exactly like the lists.
 */
export class Loaders {
  constructor(
    private readonly prisma: Database,
    private readonly request: RequestWithActor,
  ) {}

  private get ability() {
    const actor = this.request.actor;
    if (!actor) throw new Error('loader used before authentication');
    return actor.ability;
  }

  /** Direct sub-domains by parent domain name. */
  readonly subDomains = new DataLoader<string, DomainView[]>(async (parents) => {
    const rows = await this.prisma.domain.findMany({
      where: { AND: [accessibleBy(this.ability, 'read').Domain, { parent: { name: { in: [...parents] } } }] },
      include: domainInclude,
      orderBy: { name: 'asc' },
    });
    return parents.map((parent) => rows.filter((row) => row.parent?.name === parent).map(presentDomain));
  });

  /** Extra loaders registered by feature modules (accounts, effective settings, ...). */
  private readonly extra = new Map<string, DataLoader<unknown, unknown>>();

  /** A loader private to one feature, created on first use in this request. */
  named<K, V>(name: string, batch: (keys: readonly K[], prisma: Database, request: RequestWithActor) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.extra.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => batch(keys, this.prisma, this.request));
      this.extra.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

export interface GraphqlContext {
  req: RequestWithActor;
  loaders: Loaders;
}
