'use client';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { get } from '@/api/client';
import { AssignDomainForm } from '@/cluster/AssignDomainForm';
import { FailoverModal } from '@/cluster/FailoverModal';
import { heartbeatAge, ROLE_LABEL, servesMail, type ClusterNode } from '@/cluster/types';
import { Empty, LoadError, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { WideTable } from '@/ui/WideTable';

export default function ClusterPage() {
  const [failingOver, setFailingOver] = useState<ClusterNode | null>(null);
  // Health follows the heartbeats: look again every few seconds.
  const nodes = useQuery({ queryKey: ['cluster', 'nodes'], queryFn: () => get<{ items: ClusterNode[] }>('/cluster/nodes'), refetchInterval: 5_000 });
  if (nodes.error && !nodes.data) return <LoadError error={nodes.error} what="Cluster nodes" />;
  const items = nodes.data?.items ?? [];
  return (
    <Stack>
      <Title order={2}>Cluster nodes</Title>
      <Text>Each node reports a heartbeat; one that stops reporting is shown unhealthy, and its domains can be failed over to another.</Text>
      <WideTable label="Cluster nodes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th miw={140}>Node</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Addresses</Table.Th>
            <Table.Th>Last heartbeat</Table.Th>
            <Table.Th miw={130}>Health</Table.Th>
            <Table.Th>Domains</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {nodes.isLoading ? (
            <LoadingRows rows={2} columns={7} />
          ) : (
            items.map((node) => (
              <Table.Tr key={node.id} data-testid={`node-${node.id}`}>
                <Table.Td>
                  <Text fw={600}>{node.id}</Text>
                  <Text size="xs">version {node.version}</Text>
                </Table.Td>
                <Table.Td>{ROLE_LABEL[node.role] ?? node.role}</Table.Td>
                <Table.Td>
                  {Object.entries(node.addresses).map(([service, address]) => (
                    <Text key={service} size="sm">
                      {service} {address}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <time dateTime={node.heartbeatAt} title={new Date(node.heartbeatAt).toLocaleString()}>
                    {heartbeatAge(node.heartbeatAt)}
                  </time>
                </Table.Td>
                <Table.Td>
                  <StatusBadge ok={node.healthy} testId={`health-${node.id}`}>
                    {node.healthy ? 'healthy' : 'unhealthy'}
                  </StatusBadge>
                </Table.Td>
                <Table.Td>{node.domains.length ? node.domains.join(', ') : 'none pinned'}</Table.Td>
                <Table.Td>
                  {servesMail(node) && (node.domains.length > 0 || !node.healthy) ? (
                    <Button size="xs" variant="outline" color="red.9" onClick={() => setFailingOver(node)}>
                      Fail over {node.id}
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </WideTable>
      {nodes.data && items.length === 0 ? <Empty>No node has registered yet.</Empty> : null}
      {nodes.data ? <AssignDomainForm nodes={items} /> : null}
      <FailoverModal from={failingOver} nodes={items} onClose={() => setFailingOver(null)} />
    </Stack>
  );
}
