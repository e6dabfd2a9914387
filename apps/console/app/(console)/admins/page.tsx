'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { Empty, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { CreateAdminModal } from '@/admins/CreateAdminModal';
import { grantLabel, type Admin } from '@/admins/types';
import { WideTable } from '@/ui/WideTable';

export default function AdminsPage() {
  const session = useSession();
  const router = useRouter();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [creating, setCreating] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const admins = useQuery({
    queryKey: ['admins', 'list', q, cursor],
    queryFn: () => get<Page<Admin>>('/admins', { q, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Administrators</Title>
        <Group>
          {session.can('read', 'PermissionSet') ? (
            <Button component={Link} href="/admins/permission-sets" variant="default">
              Permission sets
            </Button>
          ) : null}
          {session.can('create', 'Admin') ? <Button onClick={() => setCreating(true)}>New administrator</Button> : null}
        </Group>
      </Group>
      <TextInput
        label="Search"
        placeholder="Username"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setCursors([undefined]);
        }}
        w={300}
      />
      {admins.error ? (
        <Alert color="red" role="alert">
          {admins.error.message}
        </Alert>
      ) : null}
      <WideTable label="Administrators" busy={admins.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Assignments</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {admins.isLoading
            ? <LoadingRows rows={3} columns={4} />
            : admins.data?.items.map((admin) => (
                <Table.Tr key={admin.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/admins/view?id=${admin.id}`}>
                      {admin.username}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{admin.displayName ?? ''}</Table.Td>
                  <Table.Td>{admin.assignments.map(grantLabel).join('; ')}</Table.Td>
                  <Table.Td>
                    <StatusBadge ok={!admin.disabled} size="sm">
                      {admin.disabled ? 'disabled' : 'active'}
                    </StatusBadge>
                  </Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {admins.data && admins.data.items.length === 0 ? <Empty>{q ? `No administrator matches "${q}".` : 'No administrator yet.'}</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!admins.data?.nextCursor} onClick={() => setCursors([...cursors, admins.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <CreateAdminModal opened={creating} onClose={() => setCreating(false)} onCreated={(admin) => router.push(`/admins/view?id=${admin.id}`)} />
    </Stack>
  );
}
