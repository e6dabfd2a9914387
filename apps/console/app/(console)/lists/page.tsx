'use client';
import { Suspense, useEffect, useState } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { Empty, LoadingRows } from '@/ui/States';
import { CreateListModal } from '@/lists/CreateListModal';
import { KIND, POLICY_LABEL, type ListKind, type ListView } from '@/lists/types';
import { WideTable } from '@/ui/WideTable';

function Lists() {
  const session = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const kind: ListKind = params.get('kind') === 'group' ? 'group' : 'list';
  const [domain, setDomain] = useState<string | null>(params.get('domain') ?? session.homeDomain);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [creating, setCreating] = useState(false);
  useEffect(() => setCursors([undefined]), [kind, domain, q]);
  const firstDomain = useQuery({ queryKey: ['domains', 'first'], queryFn: () => get<Page<{ name: string }>>('/domains', { limit: 1 }), enabled: domain === null });
  useEffect(() => {
    if (domain === null && firstDomain.data?.items[0]) setDomain(firstDomain.data.items[0].name);
  }, [domain, firstDomain.data]);
  const cursor = cursors[cursors.length - 1];
  const lists = useQuery({
    queryKey: ['lists', kind, domain, q, cursor],
    queryFn: () => get<Page<ListView>>(`/domains/${encodeURIComponent(domain!)}/${KIND[kind].collection}`, { q, cursor, limit: 50 }),
    enabled: domain !== null,
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Mailing lists and groups</Title>
        {domain && session.can('create', KIND[kind].subject) ? <Button onClick={() => setCreating(true)}>New {KIND[kind].one}</Button> : null}
      </Group>
      <SegmentedControl
        aria-label="Kind"
        value={kind}
        onChange={(v) => router.push(`${pathname}?kind=${v}`)}
        data={[
          { value: 'list', label: 'Mailing lists' },
          { value: 'group', label: 'Groups' },
        ]}
        w={300}
      />
      <Group align="flex-end">
        <DomainSelect value={domain} onChange={setDomain} />
        <TextInput label="Search" placeholder="Address or name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
      </Group>
      {lists.error ? (
        <Alert color="red" role="alert">
          {lists.error.message}
        </Alert>
      ) : null}
      <WideTable label={KIND[kind].plural} busy={lists.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Address</Table.Th>
            <Table.Th>Name</Table.Th>
            {kind === 'list' ? <Table.Th>Who may post</Table.Th> : null}
            <Table.Th>Members</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lists.isLoading || domain === null
            ? <LoadingRows rows={3} columns={4} />
            : lists.data?.items.map((list) => (
                <Table.Tr key={list.address}>
                  <Table.Td>
                    <Anchor component={Link} href={`/lists/view?kind=${kind}&address=${encodeURIComponent(list.address)}`}>
                      {list.address}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{list.name ?? ''}</Table.Td>
                  {kind === 'list' ? <Table.Td>{list.postingPolicy ? POLICY_LABEL[list.postingPolicy] : ''}</Table.Td> : null}
                  <Table.Td>{list.memberCount}</Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {lists.data && lists.data.items.length === 0 ? <Empty>{`No ${KIND[kind].one} in this domain yet.`}</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!lists.data?.nextCursor} onClick={() => setCursors([...cursors, lists.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      {domain ? (
        <CreateListModal
          key={`${kind}-${domain}`}
          kind={kind}
          domain={domain}
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={(list) => router.push(`/lists/view?kind=${kind}&address=${encodeURIComponent(list.address)}`)}
        />
      ) : null}
    </Stack>
  );
}

export default function ListsPage() {
  return (
    <Suspense>
      <Lists />
    </Suspense>
  );
}
