import { describe, expect, it } from 'vitest';
import { accessibleBy } from './casl-prisma.js';
import { canGrant, defineAbilityFor, probeAt, subject, type Principal } from './index.js';

const district1 = { domainId: 1, name: 'district1.k12.us', path: '/1/', depth: 0 };
const west = { domainId: 2, name: 'west.district1.k12.us', path: '/1/2/', depth: 1 };
const east = { domainId: 3, name: 'east.district1.k12.us', path: '/1/3/', depth: 1 };

const postmaster: Principal = { kind: 'admin', adminId: 10, name: 'pm1', grants: [{ role: 'postmaster', scope: district1 }] };
const westAdmin: Principal = { kind: 'admin', adminId: 11, name: 'west', grants: [{ role: 'subdomain-admin', scope: west }] };
const user: Principal = { kind: 'user', accountId: 99, name: 'kid@west.district1.k12.us', domainPath: '/1/2/' };

describe('ability factory', () => {
  it('confines a sub-domain admin to its subtree, in memory and in SQL conditions', () => {
    const ability = defineAbilityFor(westAdmin);
    expect(ability.can('update', probeAt('Account', west))).toBe(true);
    expect(ability.can('read', probeAt('Account', east))).toBe(false);
    expect(ability.can('read', probeAt('Domain', district1))).toBe(false);
    expect(JSON.stringify(accessibleBy(ability, 'read').Account)).toContain('/1/2/');
  });

  it('never lets a delegated admin delete the root of its own subtree', () => {
    const ability = defineAbilityFor(postmaster);
    expect(ability.can('delete', subject('Domain', { path: '/1/', depth: 0 } as never))).toBe(false);
    expect(ability.can('delete', subject('Domain', { path: '/1/2/', depth: 1 } as never))).toBe(true);
    expect(ability.can('delete', probeAt('Domain', west, 'delete'))).toBe(true);
  });

  it('answers a condition that matches nothing when nothing is allowed', () => {
    // CASL's `{ OR: [] }` would be dropped by Prisma inside AND and match every row.
    expect(accessibleBy(defineAbilityFor(user), 'read').Domain).toEqual({ id: { in: [] } });
    expect(accessibleBy(defineAbilityFor(user), 'read').Account).toEqual({ OR: [{ id: 99 }] });
  });

  it('grants only what the grantor holds, over no wider a scope', () => {
    const pmAbility = defineAbilityFor(postmaster);
    expect(canGrant(postmaster, pmAbility, { role: 'subdomain-admin', scope: west })).toBe(true);
    expect(canGrant(postmaster, pmAbility, { role: 'postmaster', scope: west })).toBe(false);
    expect(canGrant(postmaster, pmAbility, { role: 'staff', scope: null })).toBe(false);
    const westAbility = defineAbilityFor(westAdmin);
    expect(canGrant(westAdmin, westAbility, { role: 'subdomain-admin', scope: west })).toBe(true);
    expect(canGrant(westAdmin, westAbility, { role: 'subdomain-admin', scope: district1 })).toBe(false);
    const set = { permissionSet: 'users', permissions: [{ action: 'read' as const, subject: 'Account' as const }], scope: east };
    expect(canGrant(westAdmin, westAbility, set)).toBe(false);
    expect(canGrant(postmaster, pmAbility, set)).toBe(true);
  });

  it('gives a mailbox owner its own mailbox only', () => {
    const ability = defineAbilityFor(user);
    expect(ability.can('update', subject('Account', { id: 99 } as never), 'password')).toBe(true);
    expect(ability.can('update', subject('Account', { id: 99 } as never), 'status')).toBe(false);
    expect(ability.can('read', subject('Account', { id: 98 } as never))).toBe(false);
    expect(ability.can('read', 'Domain')).toBe(false);
  });

  it("lets a mailbox owner read its own word lists, never the system lists nor its domain's", () => {
    const ability = defineAbilityFor(user);
    expect(ability.can('read', subject('WordList', { scope: 'account', accountId: 99 } as never))).toBe(true);
    expect(ability.can('read', subject('WordList', { scope: 'account', accountId: 98 } as never))).toBe(false);
    expect(ability.can('read', subject('WordList', { scope: 'system' } as never))).toBe(false);
    expect(ability.can('read', probeAt('WordList', west))).toBe(false);
    expect(accessibleBy(ability, 'read').WordList).toEqual({ OR: [{ scope: 'account', accountId: 99 }] });
    // Administrators keep reading them.
    expect(defineAbilityFor(westAdmin).can('read', subject('WordList', { scope: 'system' } as never))).toBe(true);
  });
});
