import { it, expect } from 'vitest';
import { defineAbilityFor, subject } from '@schoolmail/rbac';

it('casl nested null', () => {
  const pm = defineAbilityFor({ kind: 'admin', adminId: 1, name: 'pm', grants: [{ role: 'postmaster', scope: { domainId: 1, name: 'd', path: '/1/', depth: 0 } }] });
  const user = defineAbilityFor({ kind: 'user', accountId: 7, name: 'u@d', domainPath: '/1/' });
  const out: Record<string, boolean> = {};
  out.pmSystem = pm.can('update', subject('WordList', { scope: 'system', domainId: null, accountId: null, domain: null, account: null } as never));
  out.pmSystemRead = pm.can('read', subject('WordList', { scope: 'system', domainId: null, accountId: null, domain: null, account: null } as never));
  out.pmDomain = pm.can('update', subject('WordList', { scope: 'domain', domainId: 1, accountId: null, domain: { path: '/1/2/' }, account: null } as never));
  out.pmOther = pm.can('update', subject('WordList', { scope: 'domain', domainId: 3, accountId: null, domain: { path: '/3/' }, account: null } as never));
  out.pmAccount = pm.can('update', subject('WordList', { scope: 'account', domainId: null, accountId: 7, domain: null, account: { domain: { path: '/1/' } } } as never));
  out.userOwn = user.can('update', subject('WordList', { scope: 'account', domainId: null, accountId: 7, domain: null, account: { domain: { path: '/1/' } } } as never));
  out.userOther = user.can('update', subject('WordList', { scope: 'account', domainId: null, accountId: 8, domain: null, account: { domain: { path: '/1/' } } } as never));
  out.pmCosPlatform = pm.can('update', subject('ClassOfService', { domainId: null, domain: null } as never));
  out.pmCosPlatformCreate = pm.can('create', subject('ClassOfService', { domainId: null, domain: null } as never));
  out.pmCosOwn = pm.can('update', subject('ClassOfService', { domainId: 1, domain: { path: '/1/' } } as never));
  console.log(out);
  expect(1).toBe(1);
});
