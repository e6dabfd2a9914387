'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart, LineChart } from '@mantine/charts';
import { get } from '@/api/client';
import { formatBytes, QuotaBar } from '@/accounts/QuotaBar';
import type { DashboardStats } from '@/dashboard/types';
import { Loading, LoadError } from '@/ui/States';

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function Card({ title, href, linkLabel, children }: { title: string; href?: string; linkLabel?: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          {title}
        </Title>
        {href ? (
          <Anchor component={Link} href={href} size="sm">
            {linkLabel ?? 'Open'}
          </Anchor>
        ) : null}
      </Group>
      {children}
    </Paper>
  );
}

export default function DashboardPage() {
  const stats = useQuery({ queryKey: ['stats', 'dashboard'], queryFn: () => get<DashboardStats>('/stats/dashboard'), refetchInterval: 60_000 });
  if (stats.isLoading) return <Loading label="Loading dashboard" />;
  if (stats.error) return <LoadError error={stats.error} what="Dashboard" />;
  const s = stats.data!;
  const depth = s.queueDepth?.map((p) => ({ hour: hourLabel(p.at), Waiting: p.depth }));
  const traffic = s.traffic?.map((p) => ({ hour: hourLabel(p.hour), Delivered: p.delivered, Deferred: p.deferred, Bounced: p.bounced, Refused: p.refused }));
  return (
    <Stack>
      <Title order={2}>Dashboard</Title>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {depth ? (
          <Card title="Queue depth, last 24 hours" href="/queue" linkLabel="Open the queue">
            <Text size="sm" c="dimmed" mb="xs">
              {depth.at(-1)!.Waiting} message{depth.at(-1)!.Waiting === 1 ? '' : 's'} waiting now; at most {Math.max(...depth.map((d) => d.Waiting))} in the last 24 hours.
            </Text>
            <div role="img" aria-label="Line chart of queued messages per hour">
              <LineChart h={220} data={depth} dataKey="hour" series={[{ name: 'Waiting', color: 'brand.6' }]} curveType="monotone" withDots={false} />
            </div>
          </Card>
        ) : null}
        {traffic ? (
          <Card title="Deliveries and refusals per hour" href="/queue" linkLabel="Open the queue">
            <Text size="sm" c="dimmed" mb="xs">
              Last 24 hours: {traffic.reduce((n, h) => n + h.Delivered, 0)} delivered, {traffic.reduce((n, h) => n + h.Bounced, 0)} bounced,{' '}
              {traffic.reduce((n, h) => n + h.Refused, 0)} refused.
            </Text>
            <div role="img" aria-label="Bar chart of deliveries, deferrals, bounces and refusals per hour">
              <BarChart
                h={220}
                data={traffic}
                dataKey="hour"
                type="stacked"
                series={[
                  { name: 'Delivered', color: 'teal.7' },
                  { name: 'Deferred', color: 'yellow.7' },
                  { name: 'Bounced', color: 'orange.8' },
                  { name: 'Refused', color: 'red.8' },
                ]}
              />
            </div>
          </Card>
        ) : null}
        {s.heldRemoteDomains ? (
          <Card title="Held remote domains" href="/queue/remote-domains" linkLabel="Virtual queues">
            {s.heldRemoteDomains.count === 0 ? (
              <Text c="dimmed">No remote domain is held.</Text>
            ) : (
              <Stack gap={4}>
                <Text fw={600}>{s.heldRemoteDomains.count} held</Text>
                {s.heldRemoteDomains.domains.map((d) => (
                  <Text key={d.domain} size="sm">
                    {d.domain}
                    {d.lastError ? ` (${d.lastError})` : ''}
                  </Text>
                ))}
              </Stack>
            )}
          </Card>
        ) : null}
        {s.quarantineWaiting ? (
          <Card title="Quarantine" href="/quarantine" linkLabel="Review">
            <Text fw={600} data-testid="quarantine-waiting">
              {s.quarantineWaiting.count === 0 ? 'Nothing waiting for review.' : `${s.quarantineWaiting.count} message${s.quarantineWaiting.count === 1 ? '' : 's'} waiting for review`}
            </Text>
            {s.quarantineWaiting.oldestAt ? (
              <Text size="sm" c="dimmed">
                Oldest since {new Date(s.quarantineWaiting.oldestAt).toLocaleString()}
              </Text>
            ) : null}
          </Card>
        ) : null}
        {s.storage ? (
          <Card title={s.storage.kind === 'units' ? 'Storage units' : 'Storage by domain'} href={s.storage.kind === 'units' ? '/storage-units' : '/domains'}>
            {s.storage.items.length === 0 ? <Text c="dimmed">Nothing stored yet.</Text> : null}
            {s.storage.kind === 'units' ? (
              <Stack gap="sm">
                {s.storage.items.map((unit) => (
                  <div key={unit.name}>
                    <Text size="sm" fw={500}>
                      <Anchor component={Link} href={`/storage-units?q=${encodeURIComponent(unit.name)}`}>
                        {unit.name}
                      </Anchor>{' '}
                      ({unit.state})
                    </Text>
                    <QuotaBar usedBytes={unit.usedBytes} limitBytes={unit.capacityBytes} />
                  </div>
                ))}
              </Stack>
            ) : (
              <Table aria-label="Storage by domain">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Domain</Table.Th>
                    <Table.Th>Accounts</Table.Th>
                    <Table.Th>Stored</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.storage.items.map((d) => (
                    <Table.Tr key={d.name}>
                      <Table.Td>
                        <Anchor component={Link} href={`/domains/view?name=${encodeURIComponent(d.name)}`}>
                          {d.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{d.accounts}</Table.Td>
                      <Table.Td>{formatBytes(d.usedBytes)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        ) : null}
      </SimpleGrid>
    </Stack>
  );
}
