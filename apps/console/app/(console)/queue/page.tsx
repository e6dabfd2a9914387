'use client';
import { Suspense, useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { get, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { Empty, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { QueueFilters } from '@/queue/QueueFilters';
import { QueueActions } from '@/queue/QueueActions';
import { FILTER_FIELDS, filterFromParams, filterToQueryString, isFiltered } from '@/queue/filters';
import { formatBytes, formatTime } from '@/queue/format';
import type { QueueEntry } from '@/queue/types';
import { WideTable } from '@/ui/WideTable';

const PAGE_SIZE = 50;
/** The engine moves entries on its own (attempts, deferrals, holds): the table follows it. */
const REFRESH_MS = 5000;

function Queue() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filter = useMemo(() => filterFromParams(new URLSearchParams(params.toString())), [params]);
  const filterKey = filterToQueryString(filter);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => {
    setCursors([undefined]);
    setSelected(new Set());
  }, [filterKey]);

  const cursor = cursors[cursors.length - 1];
  const entries = useQuery({
    queryKey: ['queue', 'list', filter, cursor],
    queryFn: () => get<Page<QueueEntry>>('/queue', { ...filter, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const errors = formErrors(entries.error, FILTER_FIELDS);
  const items = entries.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((e) => selected.has(e.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Queue</Title>
        <Button component={Link} href="/queue/remote-domains" variant="default">
          Virtual queues (remote domains)
        </Button>
      </Group>
      <QueueFilters value={filter} errors={errors.byField} onApply={(next) => router.push(`${pathname}${filterToQueryString(next)}`)} />
      <QueueActions selected={[...selected]} filter={filter} onDone={() => setSelected(new Set())} />
      {entries.error && errors.general ? (
        <Alert color="red" role="alert">
          {errors.general}
        </Alert>
      ) : null}
      <WideTable label="Queue entries" highlightOnHover busy={entries.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select all entries on this page"
                checked={allSelected}
                indeterminate={!allSelected && items.some((e) => selected.has(e.id))}
                onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((e) => e.id)))}
              />
            </Table.Th>
            <Table.Th>Sender</Table.Th>
            <Table.Th>Recipient</Table.Th>
            {/* Wide enough for "delivering": a narrower column cuts the badge to "DEFER…". */}
            <Table.Th miw={110}>State</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Next attempt</Table.Th>
            <Table.Th>Last error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.isLoading
            ? <LoadingRows rows={5} columns={8} />
            : items.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>
                    <Checkbox aria-label={`Select the entry to ${entry.recipient}`} checked={selected.has(entry.id)} onChange={() => toggle(entry.id)} />
                  </Table.Td>
                  <Table.Td>{entry.sender || '<>'}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} href={`/queue/view?id=${entry.id}`}>
                      {entry.recipient}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge ok={!entry.bouncing && (entry.state === 'queued' || entry.state === 'delivering')} size="sm" testId="queue-state">
                      {entry.bouncing ? 'bouncing' : entry.state}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>{entry.attempts}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(entry.size)}</Table.Td>
                  <Table.Td>{formatTime(entry.nextAttemptAt)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {entry.lastError ?? ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {entries.data && items.length === 0 ? <Empty>{isFiltered(filter) ? 'No queue entry matches these filters.' : 'The queue is empty: every message went out.'}</Empty> : null}
      <Group justify="space-between">
        <Text size="sm">Page {cursors.length}</Text>
        <Group>
          <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </Button>
          <Button variant="default" disabled={!entries.data?.nextCursor} onClick={() => setCursors([...cursors, entries.data!.nextCursor!])}>
            Next page
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

export default function QueuePage() {
  return (
    <Suspense>
      <Queue />
    </Suspense>
  );
}
