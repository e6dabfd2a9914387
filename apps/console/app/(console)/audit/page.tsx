'use client';
import { Fragment, Suspense, useEffect, useMemo, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { get, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { Empty, LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { ChangeTable } from '@/audit/ChangeTable';
import type { AuditEvent } from '@/audit/types';
import { WideTable } from '@/ui/WideTable';

const FIELDS = ['actor', 'action', 'domain', 'since', 'until'] as const;
type Filter = Partial<Record<(typeof FIELDS)[number], string>>;

function AuditLog() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filter = useMemo(() => Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filter, [params]);
  const [draft, setDraft] = useState<Filter>(filter);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    setDraft(filter);
    setCursors([undefined]);
  }, [filter]);
  const cursor = cursors[cursors.length - 1];
  const events = useQuery({
    queryKey: ['audit', filter, cursor],
    queryFn: () => get<Page<AuditEvent>>('/audit-events', { ...filter, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const errors = formErrors(events.error, FIELDS);
  const apply = (next: Filter) => {
    const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v && v.trim()) as Array<[string, string]>).toString();
    router.push(query ? `${pathname}?${query}` : pathname);
  };
  const input = (field: (typeof FIELDS)[number], label: string, placeholder: string, type = 'text') => (
    <TextInput label={label} placeholder={placeholder} type={type} value={draft[field] ?? ''} error={errors.byField[field]} onChange={(e) => setDraft({ ...draft, [field]: e.currentTarget.value })} />
  );
  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <form
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <Group align="flex-start">
          {input('actor', 'Who', 'username')}
          {input('action', 'What', 'account. or domain.update')}
          {input('domain', 'Domain', 'district1.k12.us')}
          {input('since', 'From', '', 'datetime-local')}
          {input('until', 'To', '', 'datetime-local')}
        </Group>
        <Group mt="sm">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={() => apply({})}>
            Clear filters
          </Button>
        </Group>
      </form>
      {events.error && errors.general ? (
        <Alert color="red" role="alert">
          {errors.general}
        </Alert>
      ) : null}
      <WideTable label="Audit events" striped={false} busy={events.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Changes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.isLoading
            ? <LoadingRows rows={5} columns={6} />
            : events.data?.items.map((event) => (
                <Fragment key={event.id}>
                  <Table.Tr>
                    <Table.Td>{new Date(event.at).toLocaleString()}</Table.Td>
                    <Table.Td>
                      {event.actorName} ({event.role}, {event.interface})
                    </Table.Td>
                    <Table.Td>{event.action}</Table.Td>
                    <Table.Td>
                      {event.subjectType} {event.subjectId ?? ''}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge ok={event.outcome === 'success'} size="sm">
                        {event.outcome}
                      </StatusBadge>
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="default" aria-expanded={open === event.id} onClick={() => setOpen(open === event.id ? null : event.id)}>
                        {open === event.id ? 'Hide' : 'Show'} changes of {event.action} {event.id}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {open === event.id ? (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <ChangeTable event={event} />
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                </Fragment>
              ))}
        </Table.Tbody>
      </WideTable>
      {events.data && events.data.items.length === 0 ? <Empty>No event matches these filters.</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!events.data?.nextCursor} onClick={() => setCursors([...cursors, events.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}

export default function AuditPage() {
  return (
    <Suspense>
      <AuditLog />
    </Suspense>
  );
}
