'use client';
import { Suspense } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { Loading, LoadError } from '@/ui/States';
import { DecisionButtons } from '@/quarantine/DecisionButtons';
import { SafePreview } from '@/quarantine/SafePreview';
import { decisionText } from '@/quarantine/decision';
import type { QuarantineEntryDetail } from '@/quarantine/types';

function QuarantineEntryView() {
  const id = useSearchParams().get('id') ?? '';
  const entry = useQuery({ queryKey: ['quarantine', 'entry', id], queryFn: () => get<QuarantineEntryDetail>(`/quarantine/${encodeURIComponent(id)}`) });
  if (entry.isLoading) return <Loading label="Loading the quarantined message" />;
  if (entry.error) return <LoadError error={entry.error} what="Quarantined message" />;
  const e = entry.data!;
  return (
    <Stack>
      <Anchor component={Link} href="/quarantine">
        Back to the quarantine
      </Anchor>
      <Title order={2}>{e.subject || '(no subject)'}</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Text>
          <strong>From:</strong> {e.sender || '<>'}
        </Text>
        <Text>
          <strong>To:</strong> {e.recipient}
        </Text>
        <Text>
          <strong>Received:</strong> {new Date(e.receivedAt).toLocaleString()}
        </Text>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Text data-testid="quarantine-decision">Decision: {decisionText(e)}</Text>
      </Paper>
      <DecisionButtons entry={e} />
      <Title order={3}>Why it was held</Title>
      <Table aria-label="Matched word-list entries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Word list</Table.Th>
            <Table.Th>Level</Table.Th>
            <Table.Th>Entry</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(e.matches ?? []).map((m, i) => (
            <Table.Tr key={i}>
              <Table.Td>{m.list}</Table.Td>
              <Table.Td>{m.scope}</Table.Td>
              <Table.Td>{m.entry}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3}>Preview</Title>
      {e.preview ? (
        <SafePreview preview={e.preview} />
      ) : (
        <Alert color="gray" role="status">
          No preview: {e.previewUnavailable}
        </Alert>
      )}
      <Title order={3}>Headers</Title>
      <Table aria-label="Message headers">
        <Table.Tbody>
          {e.headers.map((h, i) => (
            <Table.Tr key={i}>
              <Table.Th scope="row" w={200}>
                {h.name}
              </Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{h.value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export default function QuarantineEntryPage() {
  return (
    <Suspense>
      <QuarantineEntryView />
    </Suspense>
  );
}
