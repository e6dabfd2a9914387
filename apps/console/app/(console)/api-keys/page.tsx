'use client';
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Group, Stack, Table, Title } from '@mantine/core';
import { del, get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { CreateApiKeyModal } from '@/api-keys/CreateApiKeyModal';
import type { ApiKey } from '@/api-keys/types';
import { WideTable } from '@/ui/WideTable';

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

export default function ApiKeysPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [showRevoked, setShowRevoked] = useState(false);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const cursor = cursors[cursors.length - 1];
  const keys = useQuery({
    queryKey: ['api-keys', showRevoked, cursor],
    queryFn: () => get<Page<ApiKey>>('/api-keys', { revoked: showRevoked ? undefined : 'false', cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => del(`/api-keys/${key.id}`),
    onSuccess: () => {
      setRevoking(null);
      return queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>API keys</Title>
        {session.can('create', 'ApiKey') ? <Button onClick={() => setCreating(true)}>New API key</Button> : null}
      </Group>
      <Checkbox
        label="Show revoked keys"
        checked={showRevoked}
        onChange={(e) => {
          setShowRevoked(e.currentTarget.checked);
          setCursors([undefined]);
        }}
      />
      {keys.error ? (
        <Alert color="red" role="alert">
          {keys.error.message}
        </Alert>
      ) : null}
      <WideTable label="API keys" busy={keys.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key starts with</Table.Th>
            <Table.Th>Rights</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.isLoading
            ? <LoadingRows rows={3} columns={6} />
            : keys.data?.items.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <code>{key.prefix}</code>
                  </Table.Td>
                  <Table.Td>
                    {key.role ?? `set ${key.permissionSet}`}
                    {key.domain ? ` over ${key.domain}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {when(key.createdAt, '')}
                    {key.createdBy ? ` by ${key.createdBy}` : ''}
                  </Table.Td>
                  <Table.Td>{when(key.lastUsedAt, 'never')}</Table.Td>
                  <Table.Td>
                    {key.revokedAt ? (
                      <StatusBadge ok={false} size="sm">
                        revoked
                      </StatusBadge>
                    ) : session.can('delete', 'ApiKey') ? (
                      <Button size="xs" color="red.9" variant="outline" onClick={() => setRevoking(key)}>
                        Revoke {key.name}
                      </Button>
                    ) : (
                      <StatusBadge ok size="sm">
                        active
                      </StatusBadge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {keys.data && keys.data.items.length === 0 ? <Empty>No API key yet. A key lets a program (a CMS, a script) use the API with the rights you give it.</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!keys.data?.nextCursor} onClick={() => setCursors([...cursors, keys.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmModal
        opened={revoking !== null}
        title={`Revoke the API key ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke the key"
        busy={revoke.isPending}
        error={revoke.error?.message}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => setRevoking(null)}
      >
        {`Programs using ${revoking?.prefix ?? ''}… are refused from the next request on. This cannot be undone.`}
      </ConfirmModal>
    </Stack>
  );
}
