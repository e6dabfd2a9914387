'use client';
import { Suspense, useEffect, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Anchor, Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { formatBytes, QuotaBar } from '@/accounts/QuotaBar';
import { CreateStorageUnitModal } from '@/storage-units/CreateStorageUnitModal';
import { StorageUnitStateBadge } from '@/storage-units/StorageUnitStateBadge';
import type { StorageUnit } from '@/storage-units/types';
import { Empty, LoadError, LoadingRows } from '@/ui/States';
import { WideTable } from '@/ui/WideTable';

function StorageUnits() {
  const session = useSession();
  const router = useRouter();
  const params = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search, 300);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [adding, setAdding] = useState(false);
  useEffect(() => setCursors([undefined]), [q]);
  const cursor = cursors[cursors.length - 1];
  const units = useQuery({
    queryKey: ['storage-units', 'list', q, cursor],
    queryFn: () => get<Page<StorageUnit>>('/storage-units', { q, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  // Staff only: anyone else gets the API's refusal in words, not an empty table.
  if (units.error && !units.data) return <LoadError error={units.error} what="Storage units" />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Storage units</Title>
        {session.can('create', 'StorageUnit') ? <Button onClick={() => setAdding(true)}>Add a storage unit</Button> : null}
      </Group>
      <TextInput label="Search by name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={300} />
      <WideTable label="Storage units" busy={units.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Directory</Table.Th>
            <Table.Th miw={120}>State</Table.Th>
            <Table.Th>Capacity</Table.Th>
            <Table.Th w={260}>Usage</Table.Th>
            <Table.Th>Domains</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {units.isLoading ? (
            <LoadingRows rows={3} columns={6} />
          ) : (
            units.data?.items.map((unit) => (
              <Table.Tr key={unit.id} data-testid={`storage-unit-${unit.name}`}>
                <Table.Td>
                  <Anchor component={Link} href={`/storage-units/view?id=${unit.id}`}>
                    {unit.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <code>{unit.directory}</code>
                </Table.Td>
                <Table.Td>
                  <StorageUnitStateBadge state={unit.state} />
                </Table.Td>
                <Table.Td>{formatBytes(unit.capacityBytes)}</Table.Td>
                <Table.Td>
                  <QuotaBar usedBytes={unit.usedBytes} limitBytes={unit.capacityBytes} />
                </Table.Td>
                <Table.Td>{unit.domains.length ? unit.domains.join(', ') : 'shared (domains without a unit of their own)'}</Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </WideTable>
      {units.data && units.data.items.length === 0 ? <Empty>{q ? 'No storage unit matches.' : 'No storage unit yet: the engine stores mail in its default directory.'}</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!units.data?.nextCursor} onClick={() => setCursors([...cursors, units.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <CreateStorageUnitModal opened={adding} onClose={() => setAdding(false)} onCreated={(unit) => router.push(`/storage-units/view?id=${unit.id}`)} />
    </Stack>
  );
}

export default function StorageUnitsPage() {
  return (
    <Suspense>
      <StorageUnits />
    </Suspense>
  );
}
