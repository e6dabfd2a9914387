'use client';
import { useState } from 'react';
import Link from 'next/link';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { get, post, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { formatTime } from '@/queue/format';
import type { RemoteDomain } from '@/queue/types';
import { WideTable } from '@/ui/WideTable';

/** The virtual queues: one per destination domain; staff hold and release them. */
export default function RemoteDomainsPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [state, setState] = useState<'all' | 'held' | 'active'>('all');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [holding, setHolding] = useState<RemoteDomain | null>(null);
  const cursor = cursors[cursors.length - 1];
  const domains = useQuery({
    queryKey: ['queue', 'remote-domains', state, cursor],
    queryFn: () => get<Page<RemoteDomain>>('/queue/remote-domains', { state: state === 'all' ? undefined : state, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
    // Holds and releases also happen automatically (failures, a successful probe): follow them.
    refetchInterval: 5000,
  });
  const change = useMutation({
    mutationFn: ({ domain, to }: { domain: string; to: 'hold' | 'release' }) => post<RemoteDomain>(`/queue/remote-domains/${encodeURIComponent(domain)}/${to}`),
    onSuccess: () => {
      setHolding(null);
      return queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  const canChange = session.can('update', 'RemoteDomain') && session.homeDomain === null;

  return (
    <Stack>
      <Anchor component={Link} href="/queue">
        Back to the queue
      </Anchor>
      <Title order={2}>Virtual queues</Title>
      <Text>One queue per destination domain. A held domain receives nothing until it is released; its messages wait in the queue.</Text>
      <SegmentedControl
        aria-label="Show"
        value={state}
        onChange={(v) => {
          setState(v as typeof state);
          setCursors([undefined]);
        }}
        data={[
          { value: 'all', label: 'All' },
          { value: 'held', label: 'Held' },
          { value: 'active', label: 'Active' },
        ]}
        w={300}
      />
      {domains.error || change.error ? (
        <Alert color="red" role="alert">
          {(domains.error ?? change.error)!.message}
        </Alert>
      ) : null}
      <WideTable label="Remote domains" busy={domains.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Domain</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Held since</Table.Th>
            <Table.Th>Failures in a row</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th>Waiting</Table.Th>
            {canChange ? <Table.Th>Action</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {domains.isLoading
            ? <LoadingRows rows={3} columns={7} />
            : domains.data?.items.map((d) => (
                <Table.Tr key={d.domain} data-testid={`remote-domain-${d.domain}`}>
                  <Table.Td>
                    <Anchor component={Link} href={`/queue?remoteDomain=${encodeURIComponent(d.domain)}`}>
                      {d.domain}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge ok={d.state === 'active'}>{d.state}</StatusBadge>
                  </Table.Td>
                  <Table.Td>{d.heldSince ? `${formatTime(d.heldSince)}${d.heldBy ? ` by ${d.heldBy}` : ''}` : '—'}</Table.Td>
                  <Table.Td>{d.consecutiveFailures}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {d.lastError ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>{d.queued}</Table.Td>
                  {canChange ? (
                    <Table.Td>
                      {d.state === 'held' ? (
                        <Button size="xs" loading={change.isPending && change.variables?.domain === d.domain} onClick={() => change.mutate({ domain: d.domain, to: 'release' })}>
                          Release {d.domain}
                        </Button>
                      ) : (
                        <Button size="xs" variant="default" onClick={() => setHolding(d)}>
                          Hold {d.domain}
                        </Button>
                      )}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {domains.data && domains.data.items.length === 0 ? <Empty>{state === 'held' ? 'No domain is held.' : 'No destination domain yet.'}</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!domains.data?.nextCursor} onClick={() => setCursors([...cursors, domains.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <ConfirmModal
        opened={holding !== null}
        title={`Hold ${holding?.domain ?? ''}?`}
        confirmLabel={`Hold ${holding?.domain ?? ''}`}
        busy={change.isPending}
        error={change.error?.message}
        onConfirm={() => holding && change.mutate({ domain: holding.domain, to: 'hold' })}
        onClose={() => setHolding(null)}
      >
        {holding ? `Nothing is sent to ${holding.domain} until it is released; the ${holding.queued} waiting ${holding.queued === 1 ? 'message stays' : 'messages stay'} in the queue.` : null}
      </ConfirmModal>
    </Stack>
  );
}
