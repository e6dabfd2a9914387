'use client';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Box, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import { del, get, type Page } from '@/api/client';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { StatusBadge } from '@/ui/StatusBadge';
import { Empty, Loading, LoadError } from '@/ui/States';
import { rpopKey, TLS_LABEL, type RpopSource } from './types';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** What the last collection did, and when the next one comes (later after each failure: backoff). */
function Status({ source }: { source: RpopSource }) {
  if (source.lastRunAt === null) return <Text size="sm">Not collected yet; first run {when(source.nextRunAt)}</Text>;
  if (source.consecutiveFailures === 0) {
    return (
      <Text size="sm" component="div">
        <Box component="span" mr={6}>
          <StatusBadge ok>OK</StatusBadge>
        </Box>
        last run {when(source.lastRunAt)}, next {when(source.nextRunAt)}
      </Text>
    );
  }
  return (
    <Text size="sm" component="div">
      <Box component="span" mr={6}>
        <StatusBadge ok={false}>Failing</StatusBadge>
      </Box>
      {source.lastError ?? 'failed'} ({source.consecutiveFailures} failure{source.consecutiveFailures === 1 ? '' : 's'} in a row; next try {when(source.nextRunAt)})
    </Text>
  );
}

export function RpopSourceTable({ address }: { address: string }) {
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<RpopSource | null>(null);
  const sources = useQuery({
    queryKey: rpopKey(address),
    queryFn: () => get<Page<RpopSource>>(`/accounts/${encodeURIComponent(address)}/rpop-sources`, { limit: 100 }),
    refetchInterval: 30_000,
  });
  const remove = useMutation({
    mutationFn: (source: RpopSource) => del(`/accounts/${encodeURIComponent(address)}/rpop-sources/${source.id}`),
    onSuccess: () => {
      setRemoving(null);
      return queryClient.invalidateQueries({ queryKey: rpopKey(address) });
    },
  });
  if (sources.isLoading) return <Loading label="Loading your remote mailboxes" />;
  if (sources.error) return <LoadError error={sources.error} what="Remote mailboxes" />;
  const items = sources.data!.items;
  return (
    <>
      {items.length === 0 ? (
        <Empty>No remote mailbox is collected into this one.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped aria-label="Remote mailboxes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Server</Table.Th>
                <Table.Th>User name</Table.Th>
                <Table.Th>Encryption</Table.Th>
                <Table.Th>Collected</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((source) => (
                <Table.Tr key={source.id} data-testid="rpop-row">
                  <Table.Td>
                    {source.host}:{source.port}
                  </Table.Td>
                  <Table.Td>{source.username}</Table.Td>
                  <Table.Td>{TLS_LABEL[source.tls]}</Table.Td>
                  <Table.Td>{source.fetchedCount}</Table.Td>
                  <Table.Td>
                    <Status source={source} />
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" color="red.9" variant="outline" onClick={() => setRemoving(source)} aria-label={`Remove ${source.username} at ${source.host}`}>
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={removing !== null}
        title={removing ? `Stop collecting from ${removing.username} at ${removing.host}?` : ''}
        confirmLabel="Remove"
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      >
        Messages already collected stay in your mailbox.
      </ConfirmModal>
    </>
  );
}
