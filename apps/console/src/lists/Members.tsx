'use client';
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, CloseButton, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { del, get, put, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, Loading } from '@/ui/States';
import { KIND, type ListKind, type Member } from './types';

export function Members({ kind, address }: { kind: ListKind; address: string }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const base = `/${KIND[kind].collection}/${encodeURIComponent(address)}/members`;
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [member, setMember] = useState('');
  const [owner, setOwner] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const cursor = cursors[cursors.length - 1];
  const members = useQuery({ queryKey: ['lists', kind, address, 'members', cursor], queryFn: () => get<Page<Member>>(base, { cursor, limit: 100 }), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['lists'] });
  const add = useMutation({
    mutationFn: () => put(`${base}/${encodeURIComponent(member.trim())}`, kind === 'list' ? { isOwner: owner } : {}),
    onSuccess: () => {
      setMember('');
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (m: Member) => del(`${base}/${encodeURIComponent(m.address)}`),
    onSuccess: () => {
      setRemoving(null);
      return refresh();
    },
  });
  const canEdit = session.can('update', KIND[kind].subject);
  const errors = formErrors(add.error, ['member'], { address: 'member' });
  return (
    <Stack>
      <Title order={3}>Members</Title>
      {canEdit ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (member.trim()) add.mutate();
          }}
        >
          <Group align="flex-end">
            <TextInput label={kind === 'list' ? 'Member address' : 'Account address'} value={member} error={errors.byField.member} onChange={(e) => setMember(e.currentTarget.value)} w={320} />
            {kind === 'list' ? <Checkbox label="Owner" checked={owner} onChange={(e) => setOwner(e.currentTarget.checked)} mb={8} /> : null}
            <Button type="submit" loading={add.isPending}>
              Add member
            </Button>
          </Group>
          {errors.general ? (
            <Alert color="red" role="alert" mt="xs">
              {errors.general}
            </Alert>
          ) : null}
        </form>
      ) : null}
      {members.isLoading ? <Loading label="Loading the members" /> : null}
      {members.error ? (
        <Alert color="red" role="alert">
          {members.error.message}
        </Alert>
      ) : null}
      {members.data && members.data.items.length === 0 ? (
        <Empty>No member yet.</Empty>
      ) : (
        <Table aria-label="Members">
          <Table.Tbody>
            {members.data?.items.map((m) => (
              <Table.Tr key={m.address}>
                <Table.Td>{m.address}</Table.Td>
                <Table.Td>{m.isOwner ? 'owner' : (m.displayName ?? '')}</Table.Td>
                <Table.Td w={60}>{canEdit ? <CloseButton aria-label={`Remove ${m.address}`} onClick={() => setRemoving(m)} /> : null}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!members.data?.nextCursor} onClick={() => setCursors([...cursors, members.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <ConfirmModal
        opened={removing !== null}
        title={`Remove 1 member from ${address}?`}
        confirmLabel="Remove the member"
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      >
        {removing ? `${removing.address} no longer receives mail sent to ${address}.` : null}
      </ConfirmModal>
    </Stack>
  );
}
