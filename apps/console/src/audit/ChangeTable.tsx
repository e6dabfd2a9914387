import { Table, Text } from '@mantine/core';
import { changesOf } from './changes';
import type { AuditEvent } from './types';

export function ChangeTable({ event }: { event: AuditEvent }) {
  const changes = changesOf(event.before, event.after);
  if (changes.length === 0) return <Text size="sm">No recorded field changes.</Text>;
  return (
    <Table aria-label={`Changes of ${event.action} ${event.subjectId ?? ''}`} withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.field}>
            <Table.Td>{c.field}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{c.before}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{c.after}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
