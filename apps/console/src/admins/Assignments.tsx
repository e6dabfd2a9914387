'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, CloseButton, Group, Stack, Table, Title } from '@mantine/core';
import { del, get, post, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, Loading } from '@/ui/States';
import { defaultGrant, GrantPicker, grantBody, type Grant } from './GrantPicker';
import { grantLabel, type Admin, type Assignment } from './types';

/** What an administrator may do where: its assignments, added and removed here. */
export function Assignments({ admin }: { admin: Admin }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [grant, setGrant] = useState<Grant>(defaultGrant(session.homeDomain));
  const [removing, setRemoving] = useState<Assignment | null>(null);
  // Read on their own: the administrator's representation keeps its version (and ETag) when
  // only its assignments change, so a revalidated copy of it would show the old ones.
  const assignments = useQuery({ queryKey: ['admins', admin.id, 'assignments'], queryFn: () => get<Page<Assignment>>(`/admins/${admin.id}/assignments`) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admins'] });
  const add = useMutation({ mutationFn: () => post(`/admins/${admin.id}/assignments`, grantBody(grant)), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (a: Assignment) => del(`/admins/${admin.id}/assignments/${a.id}`),
    onSuccess: () => {
      setRemoving(null);
      return refresh();
    },
  });
  const errors = formErrors(add.error, ['role', 'permissionSet', 'domain']);
  return (
    <Stack>
      <Title order={3}>Assignments</Title>
      {assignments.isLoading ? <Loading label="Loading the assignments" /> : null}
      {assignments.error ? (
        <Alert color="red" role="alert">
          {assignments.error.message}
        </Alert>
      ) : null}
      {assignments.data?.items.length === 0 ? (
        <Empty>No assignment: this administrator can do nothing yet.</Empty>
      ) : (
        <Table aria-label="Assignments">
          <Table.Tbody>
            {assignments.data?.items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{grantLabel(a)}</Table.Td>
                <Table.Td w={60}>
                  {session.can('delete', 'RoleAssignment') ? <CloseButton aria-label={`Remove ${grantLabel(a)}`} onClick={() => setRemoving(a)} /> : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {session.can('create', 'RoleAssignment') ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Group align="flex-end">
            <GrantPicker value={grant} onChange={setGrant} errors={errors.byField} />
            <Button type="submit" loading={add.isPending}>
              Add assignment
            </Button>
          </Group>
          {errors.byField.domain ? (
            <Alert color="red" role="alert" mt="xs">
              Domain: {errors.byField.domain}
            </Alert>
          ) : null}
          {errors.general ? (
            <Alert color="red" role="alert" mt="xs">
              {errors.general}
            </Alert>
          ) : null}
        </form>
      ) : null}
      <ConfirmModal
        opened={removing !== null}
        title="Remove 1 assignment?"
        confirmLabel="Remove the assignment"
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      >
        {removing ? `${admin.username} loses: ${grantLabel(removing)}.` : null}
      </ConfirmModal>
    </Stack>
  );
}
