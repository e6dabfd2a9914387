'use client';
import { useQuery } from '@tanstack/react-query';
import { Paper, Table, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { SERVICE_LABELS, SERVICE_NAMES } from '@/domains/types';
import { Loading, LoadError } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import type { EffectiveSettings } from './types';

/** What applies to the mailbox now, and which level (server, class of service, domain, account) decided each value. */
export function EffectiveSettingsPanel({ address }: { address: string }) {
  const settings = useQuery({
    queryKey: ['accounts', 'effective', address],
    queryFn: () => get<EffectiveSettings>(`/accounts/${encodeURIComponent(address)}/effective-settings`),
  });
  if (settings.isLoading) return <Loading label="Loading effective settings" />;
  if (settings.error) return <LoadError error={settings.error} what="Effective settings" />;
  const s = settings.data!;
  const limits = [
    ['Mailbox quota', `${s.mailboxQuotaMb.value} MB`, s.mailboxQuotaMb.reason],
    ['Largest message', `${s.maxMessageSizeKb.value} KB`, s.maxMessageSizeKb.reason],
    ['Recipients per message', String(s.maxRecipients.value), s.maxRecipients.reason],
    ['Sending rate', s.sendingRatePerHour.value === null ? 'unlimited' : `${s.sendingRatePerHour.value} per hour`, s.sendingRatePerHour.reason],
  ] as const;
  return (
    <Paper withBorder p="md" data-testid="effective-settings">
      <Title order={3} size="h4" mb="xs">
        Effective settings
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {s.classOfService ? `Class of service "${s.classOfService.name}", assigned to the ${s.classOfService.assignedAt.level} ${s.classOfService.assignedAt.name}.` : 'No class of service applies: server defaults.'}
      </Text>
      <Table aria-label="Effective settings">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Setting</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>Why</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {SERVICE_NAMES.map((service) => {
            const value = s.services[service];
            return (
              <Table.Tr key={service} data-testid={`effective-${service}`}>
                <Table.Td>{SERVICE_LABELS[service]}</Table.Td>
                <Table.Td>
                  <StatusBadge ok={value.value}>
                    {value.value ? 'on' : 'off'}
                  </StatusBadge>
                </Table.Td>
                <Table.Td>{value.reason}</Table.Td>
              </Table.Tr>
            );
          })}
          {limits.map(([label, value, reason]) => (
            <Table.Tr key={label}>
              <Table.Td>{label}</Table.Td>
              <Table.Td>{value}</Table.Td>
              <Table.Td>{reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
