/**
 * The object an acceptance policy belongs to, found by its natural key (domain name, group
 * or account address), with the domain that decides who may change it. libs/rbac has no
 * AcceptancePolicy subject yet, so changing a domain-, group- or account-level policy needs
 * `update` on that Domain (the group's or account's domain), and the server level is staff's.
 */
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import type { Database, Tx } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { visibleDomain } from '../domains/domains.service.js';
import { visibleAccount } from '../accounts/account.view.js';
import { normalizedAddress } from '../aliases/addressed-objects.js';
import type { PolicyLevelName } from './policy.schemas.js';

export interface PolicyTarget {
  level: PolicyLevelName;
  /** The natural key: null for the server, else the domain name or the address. */
  key: string | null;
  where: { level: PolicyLevelName; domainId: number | null; groupId: number | null; accountId: number | null };
  /** The domain the target lives in (null for the server): scope, authorization and audit. */
  domain: { id: number; name: string; path: string; depth: number } | null;
}

export const isStaff = (actor: Actor) => actor.ability.can('manage', 'all');

/** How a target reads in messages: "server", "domain d", "group g", "account a". */
export const describeTarget = (target: Pick<PolicyTarget, 'level' | 'key'>) => (target.level === 'server' ? 'the server' : `${target.level} ${target.key}`);

async function visibleGroup(db: Database | Tx, actor: Actor, address: string) {
  const normalized = normalizedAddress(address);
  const row = normalized
    ? await db.group.findFirst({
        where: { AND: [accessibleBy(actor.ability, 'read').Group, { address: normalized }] },
        include: { domain: { select: { id: true, name: true, path: true, depth: true } } },
      })
    : null;
  if (!row) throw AppError.notFound('group', address);
  return row;
}

/** The target the actor can see: 404 when it does not exist or is out of scope. */
export async function visibleTarget(db: Database | Tx, actor: Actor, level: PolicyLevelName, key: string | null): Promise<PolicyTarget> {
  const none = { domainId: null, groupId: null, accountId: null };
  switch (level) {
    case 'server':
      return { level, key: null, where: { level, ...none }, domain: null };
    case 'domain': {
      const domain = await visibleDomain(db, actor.ability, key ?? '');
      return { level, key: domain.name, where: { level, ...none, domainId: domain.id }, domain: pickDomain(domain) };
    }
    case 'group': {
      const group = await visibleGroup(db, actor, key ?? '');
      return { level, key: group.address, where: { level, ...none, groupId: group.id }, domain: group.domain };
    }
    case 'account': {
      const account = await visibleAccount(db, actor.ability, key ?? '');
      return { level, key: account.address, where: { level, ...none, accountId: account.id }, domain: account.domain };
    }
  }
}

const pickDomain = (row: { id: number; name: string; path: string; depth: number }) => ({ id: row.id, name: row.name, path: row.path, depth: row.depth });

/** 403 unless the actor may change policies of this target. */
export function assertMayChange(actor: Actor, target: PolicyTarget) {
  if (!target.domain) {
    if (!isStaff(actor)) throw new AppError('FORBIDDEN', 'only platform staff may change the server acceptance policy');
    return;
  }
  ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Domain', target.domain as never));
}
