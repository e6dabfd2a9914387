'use client';
import { useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { isFinished, type JobReport, type JobView } from './types';

/** A background job's live progress (polled every second until it ends), then its per-row report. */
export function JobProgress({ id }: { id: string }) {
  const job = useQuery({
    queryKey: ['jobs', id],
    queryFn: () => get<JobView>(`/jobs/${id}`),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : 1000),
  });
  const finished = job.data ? isFinished(job.data) : false;
  const report = useQuery({ queryKey: ['jobs', id, 'report'], queryFn: () => get<JobReport>(`/jobs/${id}/report`), enabled: finished });
  if (!job.data) return null;
  const j = job.data;
  const percent = j.percent ?? (finished ? 100 : 0);
  return (
    <Paper withBorder p="md" data-testid="job-progress">
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4">
            {j.dryRun ? 'Check' : 'Import'} {finished ? j.status : 'in progress'}
          </Title>
          <Text size="sm">
            {j.processed}
            {j.total !== null ? ` of ${j.total}` : ''} rows
          </Text>
        </Group>
        <Progress value={percent} size="xl" animated={!finished} aria-label={`Import progress: ${percent}%`} />
        <Text data-testid="job-counts">
          {j.succeeded} {j.dryRun ? 'valid' : 'created'}, {j.failed} failed, {j.skipped} skipped
        </Text>
        {j.error ? (
          <Alert color="red" role="alert">
            {j.error}
          </Alert>
        ) : null}
        {finished && report.data && report.data.rows.length > 0 ? (
          <>
            <Group justify="space-between">
              <Title order={4} size="h5">
                Rows that need attention
              </Title>
              <Anchor href={`/api/v1/jobs/${id}/report.csv`} download>
                Download the error report (CSV)
              </Anchor>
            </Group>
            <Table aria-label="Rows that need attention">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>Column</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.rows.map((row) => (
                  <Table.Tr key={`${row.row}-${row.field ?? ''}`}>
                    <Table.Td>{row.row}</Table.Td>
                    <Table.Td>{row.key ?? ''}</Table.Td>
                    <Table.Td>{row.status}</Table.Td>
                    <Table.Td>{row.field ?? ''}</Table.Td>
                    <Table.Td>{row.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {report.data.omitted > 0 ? <Text size="sm">{report.data.omitted} more rows are in the downloadable report.</Text> : null}
          </>
        ) : null}
        {finished && report.data && report.data.rows.length === 0 && j.status === 'succeeded' ? <Text>Every row went through.</Text> : null}
      </Stack>
    </Paper>
  );
}
