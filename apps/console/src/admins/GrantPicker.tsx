'use client';
import { useQuery } from '@tanstack/react-query';
import { Group, Select } from '@mantine/core';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import type { PermissionSet } from './types';

export interface Grant {
  /** "role:postmaster" or "set:helpdesk" */
  kind: string | null;
  domain: string | null;
}

/** The body fields of a grant: a role or a permission set, over a domain subtree (staff: none). */
export function grantBody(grant: Grant) {
  const [type, value] = (grant.kind ?? ':').split(/:(.*)/s) as [string, string];
  return { ...(type === 'role' ? { role: value } : { permissionSet: value }), ...(value === 'staff' ? {} : { domain: grant.domain ?? undefined }) };
}

/** What a new grant starts as: the strongest role the signed-in admin may hand out. */
export const defaultGrant = (homeDomain: string | null): Grant => ({ kind: homeDomain === null ? 'role:postmaster' : 'role:subdomain-admin', domain: homeDomain });

export function GrantPicker({ value, onChange, errors }: { value: Grant; onChange: (grant: Grant) => void; errors: Record<string, string | undefined> }) {
  const session = useSession();
  const sets = useQuery({ queryKey: ['permission-sets', 'pick'], queryFn: () => get<Page<PermissionSet>>('/permission-sets', { limit: 100 }), enabled: session.can('read', 'PermissionSet') });
  // Only staff may hand out the staff and postmaster roles (the API refuses them to anyone else).
  const data = [
    ...(session.homeDomain === null
      ? [
          { value: 'role:staff', label: 'Role: staff (whole platform)' },
          { value: 'role:postmaster', label: 'Role: postmaster' },
        ]
      : []),
    { value: 'role:subdomain-admin', label: 'Role: sub-domain admin' },
    ...(sets.data?.items ?? []).map((s) => ({ value: `set:${s.name}`, label: `Permission set: ${s.name}` })),
  ];
  return (
    <Group align="flex-start">
      <Select label="Role or permission set" data={data} value={value.kind} allowDeselect={false} error={errors.role ?? errors.permissionSet} onChange={(kind) => onChange({ ...value, kind })} w={300} />
      {value.kind !== 'role:staff' ? <DomainSelect value={value.domain} onChange={(domain) => onChange({ ...value, domain })} label="Over the domain (and its sub-domains)" /> : null}
    </Group>
  );
}
