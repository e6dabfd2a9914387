'use client';
import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Group, Paper, Table, Title } from '@mantine/core';
import { get, post, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { Empty, LoadingRows } from '@/ui/States';
import type { StorageProblem } from './types';

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * Faults the engine found in a unit (corrupt or missing message files), newest first. Staff
 * mark one resolved once they have dealt with it (restored the file, or accepted the loss).
 */
export function StorageProblems({ unitId }: { unitId: number }) {
  const canResolve = useSession().can('update', 'StorageUnit');
  const queryClient = useQueryClient();
  const resolve = useMutation({
    mutationFn: (problemId: number) => post<StorageProblem>(`/storage-units/${unitId}/problems/${problemId}/resolve`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['storage-units', 'problems', unitId] }),
  });
  const [unresolved, setUnresolved] = useState(true);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const problems = useQuery({
    queryKey: ['storage-units', 'problems', unitId, unresolved, cursor],
    queryFn: () => get<Page<StorageProblem>>(`/storage-units/${unitId}/problems`, { unresolved: unresolved ? 'true' : undefined, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Problems">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          Problems
        </Title>
        <Checkbox
          label="Only unresolved"
          checked={unresolved}
          onChange={(e) => {
            setUnresolved(e.currentTarget.checked);
            setCursors([undefined]);
          }}
        />
      </Group>
      {problems.error || resolve.error ? (
        <Alert color="red" role="alert">
          {(problems.error ?? resolve.error)!.message}
        </Alert>
      ) : null}
      <Table striped aria-label="Storage problems" aria-busy={problems.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Found</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Message file</Table.Th>
            <Table.Th>Detail</Table.Th>
            <Table.Th>File moved to</Table.Th>
            <Table.Th>Resolved</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {problems.isLoading ? (
            <LoadingRows rows={2} columns={6} />
          ) : (
            problems.data?.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{when(p.detectedAt)}</Table.Td>
                <Table.Td>{p.kind}</Table.Td>
                <Table.Td>{p.blobId ?? ''}</Table.Td>
                <Table.Td>{p.detail}</Table.Td>
                <Table.Td>{p.isolatedPath ?? ''}</Table.Td>
                <Table.Td>
                  {p.resolvedAt ? (
                    when(p.resolvedAt)
                  ) : canResolve ? (
                    <Button size="compact-sm" variant="default" loading={resolve.isPending && resolve.variables === p.id} onClick={() => resolve.mutate(p.id)} aria-label={`Mark resolved: the problem found ${when(p.detectedAt)}`}>
                      Mark resolved
                    </Button>
                  ) : (
                    'no'
                  )}
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
      {problems.data && problems.data.items.length === 0 ? <Empty>{unresolved ? 'No unresolved problem.' : 'No problem found on this unit.'}</Empty> : null}
      {cursors.length > 1 || problems.data?.nextCursor ? (
        <Group justify="flex-end">
          <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </Button>
          <Button variant="default" disabled={!problems.data?.nextCursor} onClick={() => setCursors([...cursors, problems.data!.nextCursor!])}>
            Next page
          </Button>
        </Group>
      ) : null}
    </Paper>
  );
}
