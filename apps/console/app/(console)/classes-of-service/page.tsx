'use client';
import { useState } from 'react';
import Link from 'next/link';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { SERVICE_LABELS, SERVICE_NAMES } from '@/domains/types';
import { ClassOfServiceUsage } from '@/classes-of-service/ClassOfServiceUsage';
import { limitsText, type ClassOfService } from '@/classes-of-service/types';
import { Empty, LoadingRows } from '@/ui/States';
import { WideTable } from '@/ui/WideTable';

const PAGE_SIZE = 50;

export default function ClassesOfServicePage() {
  const session = useSession();
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const classes = useQuery({
    queryKey: ['classes-of-service', 'list', cursor],
    queryFn: () => get<Page<ClassOfService>>('/classes-of-service', { cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Classes of service</Title>
        {session.can('create', 'ClassOfService') ? (
          <Button component={Link} href="/classes-of-service/new">
            New class of service
          </Button>
        ) : null}
      </Group>
      <Text>A class of service bundles the services and limits of the accounts that hold it, directly or through their domain.</Text>
      {classes.error ? (
        <Alert color="red" role="alert">
          {classes.error.message}
        </Alert>
      ) : null}
      <WideTable label="Classes of service" busy={classes.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Services</Table.Th>
            <Table.Th>Limits</Table.Th>
            <Table.Th>Used by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {classes.isLoading ? (
            <LoadingRows rows={3} columns={5} />
          ) : (
            classes.data?.items.map((cos) => (
              <Table.Tr key={cos.name}>
                <Table.Td>
                  <Anchor component={Link} href={`/classes-of-service/view?name=${encodeURIComponent(cos.name)}`}>
                    {cos.name}
                  </Anchor>
                  <Text size="xs">{cos.domain ? `owned by ${cos.domain}` : 'platform-wide'}</Text>
                </Table.Td>
                <Table.Td>{cos.description ?? ''}</Table.Td>
                <Table.Td>{SERVICE_NAMES.filter((s) => cos.services[s]).map((s) => SERVICE_LABELS[s]).join(', ') || 'none'}</Table.Td>
                <Table.Td>{limitsText(cos)}</Table.Td>
                <Table.Td>
                  <ClassOfServiceUsage name={cos.name} />
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </WideTable>
      {classes.data && classes.data.items.length === 0 ? <Empty>No class of service yet.</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!classes.data?.nextCursor} onClick={() => setCursors([...cursors, classes.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
