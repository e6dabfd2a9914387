'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Stack, Table, Title } from '@mantine/core';
import { del, get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, LoadingRows } from '@/ui/States';
import { PermissionSetEditor } from '@/admins/PermissionSetEditor';
import type { PermissionSet } from '@/admins/types';

export default function PermissionSetsPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<PermissionSet | 'new' | null>(null);
  const [deleting, setDeleting] = useState<PermissionSet | null>(null);
  const sets = useQuery({ queryKey: ['permission-sets', 'list'], queryFn: () => get<Page<PermissionSet>>('/permission-sets', { limit: 500 }) });
  const remove = useMutation({
    mutationFn: (set: PermissionSet) => del(`/permission-sets/${encodeURIComponent(set.name)}`),
    onSuccess: () => {
      setDeleting(null);
      return queryClient.invalidateQueries({ queryKey: ['permission-sets'] });
    },
  });
  return (
    <Stack>
      <Anchor component={Link} href="/admins">
        Back to the administrators
      </Anchor>
      <Group justify="space-between">
        <Title order={2}>Permission sets</Title>
        {session.can('create', 'PermissionSet') ? <Button onClick={() => setEditing('new')}>New permission set</Button> : null}
      </Group>
      {sets.error ? (
        <Alert color="red" role="alert">
          {sets.error.message}
        </Alert>
      ) : null}
      <Table striped aria-label="Permission sets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Rights</Table.Th>
            <Table.Th>Domain</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sets.isLoading ? (
            <LoadingRows rows={1} columns={5} />
          ) : (
            sets.data?.items.map((set) => (
              <Table.Tr key={set.name}>
                <Table.Td>{set.name}</Table.Td>
                <Table.Td>{set.description ?? ''}</Table.Td>
                <Table.Td>{set.permissions.length}</Table.Td>
                <Table.Td>{set.domain ?? 'platform'}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    {session.can('update', 'PermissionSet') ? (
                      <Button size="xs" variant="default" onClick={() => setEditing(set)}>
                        Edit {set.name}
                      </Button>
                    ) : null}
                    {session.can('delete', 'PermissionSet') ? (
                      <Button size="xs" color="red.9" variant="outline" onClick={() => setDeleting(set)}>
                        Delete {set.name}
                      </Button>
                    ) : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
      {sets.data && sets.data.items.length === 0 ? <Empty>No permission set yet. A set bundles exactly the rights a helper needs, e.g. password resets only.</Empty> : null}
      {editing ? <PermissionSetEditor key={editing === 'new' ? 'new' : editing.name} existing={editing === 'new' ? null : editing} opened onClose={() => setEditing(null)} /> : null}
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete the permission set ${deleting?.name ?? ''}?`}
        confirmLabel="Delete the permission set"
        typeToConfirm={deleting?.name}
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        {`Administrators and API keys holding ${deleting?.name ?? ''} lose its ${deleting?.permissions.length ?? 0} rights.`}
      </ConfirmModal>
    </Stack>
  );
}
