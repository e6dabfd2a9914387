'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { get, patch, post, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { Loading, FormError } from '@/ui/States';
import type { Permission, PermissionSet, RegistryPermission } from './types';

const keyOf = (p: Permission) => `${p.action}:${p.subject}`;

/**
 * Creates a set (no `existing`) or edits one, from the permission registry. Only the rights
 * the signed-in admin holds can be ticked: one cannot hand out what one does not have.
 */
export function PermissionSetEditor({ existing, opened, onClose }: { existing: PermissionSet | null; opened: boolean; onClose: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const registry = useQuery({ queryKey: ['permissions'], queryFn: () => get<Page<RegistryPermission>>('/permissions'), staleTime: 300_000 });
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [domain, setDomain] = useState<string | null>(existing?.domain ?? session.homeDomain);
  const [chosen, setChosen] = useState<Set<string>>(new Set(existing?.permissions.map(keyOf) ?? []));
  const save = useMutation({
    mutationFn: () => {
      const permissions = (registry.data?.items ?? []).filter((p) => chosen.has(keyOf(p))).map(({ action, subject }) => ({ action, subject }));
      return existing
        ? patch<PermissionSet>(`/permission-sets/${encodeURIComponent(existing.name)}`, { description: description.trim() || null, permissions })
        : post<PermissionSet>('/permission-sets', { name, permissions, ...(description.trim() ? { description } : {}), ...(domain ? { domain } : {}) });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['permission-sets'] });
      onClose();
    },
  });
  const errors = formErrors(save.error, ['name', 'description', 'permissions', 'domain']);
  const toggle = (p: RegistryPermission, on: boolean) => {
    const next = new Set(chosen);
    if (on) {
      next.add(keyOf(p));
      for (const r of p.requires) next.add(keyOf(r));
    } else next.delete(keyOf(p));
    setChosen(next);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={existing ? `Permission set ${existing.name}` : 'New permission set'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          {existing ? null : <TextInput label="Set name" value={name} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} />}
          <Textarea label="Description" value={description} error={errors.byField.description} onChange={(e) => setDescription(e.currentTarget.value)} />
          {existing ? null : <DomainSelect value={domain} onChange={setDomain} label="Defined in the domain" />}
          <Text fw={600}>Rights</Text>
          <Text size="sm">Only the rights you hold yourself can be given. Ticking a right also ticks the rights it needs.</Text>
          {registry.isLoading ? <Loading label="Loading the rights" /> : null}
          <Stack gap={6} role="group" aria-label="Rights">
            {(registry.data?.items ?? []).map((p) => (
              <Checkbox
                key={keyOf(p)}
                label={`${p.description} (${p.action} ${p.subject})`}
                checked={chosen.has(keyOf(p))}
                disabled={!p.grantable}
                onChange={(e) => toggle(p, e.currentTarget.checked)}
              />
            ))}
          </Stack>
          {errors.byField.permissions ? (
            <Alert color="red" role="alert">
              {errors.byField.permissions}
            </Alert>
          ) : null}
          {errors.byField.domain ? (
            <Alert color="red" role="alert">
              Domain: {errors.byField.domain}
            </Alert>
          ) : null}
          <FormError message={errors.general} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? 'Save the permission set' : 'Create permission set'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
