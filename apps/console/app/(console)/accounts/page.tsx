'use client';
import { LoadingRows } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { Suspense, useEffect, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Checkbox, Group, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { CreateAccountModal } from '@/accounts/CreateAccountModal';
import { QuotaBar } from '@/accounts/QuotaBar';
import { describeTotal } from '@/accounts/format';
import type { AccountPage } from '@/accounts/types';
import { WideTable } from '@/ui/WideTable';

type SortField = 'address' | 'displayName' | 'createdAt';
const PAGE_SIZE = 50;

function SortHeader({ field, label, sort, order, onSort }: { field: SortField; label: string; sort: SortField; order: 'asc' | 'desc'; onSort: (f: SortField) => void }) {
  const active = sort === field;
  return (
    <Table.Th aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(field)} fw={600}>
        {label} {active ? (order === 'asc' ? '▲' : '▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

function Accounts() {
  const session = useSession();
  const router = useRouter();
  const params = useSearchParams();
  const [domain, setDomain] = useState<string | null>(params.get('domain') ?? session.homeDomain);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search, 300);
  const [subtree, setSubtree] = useState(true);
  const [sort, setSort] = useState<SortField>('address');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [creating, setCreating] = useState(false);

  // Staff have no home district: start with the first domain they can see.
  const firstDomain = useQuery({ queryKey: ['domains', 'first'], queryFn: () => get<Page<{ name: string }>>('/domains', { limit: 1 }), enabled: domain === null });
  useEffect(() => {
    if (domain === null && firstDomain.data?.items[0]) setDomain(firstDomain.data.items[0].name);
  }, [domain, firstDomain.data]);
  useEffect(() => setCursors([undefined]), [domain, q, subtree, sort, order]);

  const pageQuery = (cursor: string | undefined) => ({
    queryKey: ['accounts', domain, { q, subtree, sort, order, cursor }],
    queryFn: () => get<AccountPage>(`/domains/${encodeURIComponent(domain!)}/accounts`, { q, subtree, sort, order, cursor, limit: PAGE_SIZE }),
    enabled: domain !== null,
    placeholderData: keepPreviousData,
  });
  const accounts = useQuery(pageQuery(cursors[cursors.length - 1]));
  // The API counts with the first page only; on later pages its cached answer keeps the total on screen.
  // No placeholder here: the total of the previous search must not stand next to the new one.
  const total = useQuery({ ...pageQuery(undefined), placeholderData: undefined }).data?.total;

  const onSort = (field: SortField) => {
    if (field === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(field);
      setOrder('asc');
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Accounts</Title>
        <Group>
          {session.can('create', 'Job') && session.can('create', 'Account') ? (
            <Button component={Link} href="/accounts/import" variant="default">
              Import CSV
            </Button>
          ) : null}
          {domain && session.can('create', 'Account') ? <Button onClick={() => setCreating(true)}>New account</Button> : null}
        </Group>
      </Group>
      <Group align="flex-end">
        <DomainSelect value={domain} onChange={setDomain} />
        <TextInput label="Search" placeholder="Address or name" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={280} />
        <Checkbox label="Include sub-domains" checked={subtree} onChange={(e) => setSubtree(e.currentTarget.checked)} mb={8} />
      </Group>
      <Text size="sm" data-testid="accounts-total" aria-live="polite">
        {total ? `${describeTotal(total)}${q ? ` ${total.count === 1 ? 'matches' : 'match'} "${q}"` : ''}` : '\u00a0'}
      </Text>
      {accounts.error ? (
        <Alert color="red" role="alert">
          {accounts.error.message}
        </Alert>
      ) : null}
      <WideTable label="Accounts" highlightOnHover busy={accounts.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <SortHeader field="address" label="Address" sort={sort} order={order} onSort={onSort} />
            <SortHeader field="displayName" label="Name" sort={sort} order={order} onSort={onSort} />
            <Table.Th>Status</Table.Th>
            <Table.Th>Class of service</Table.Th>
            <Table.Th w={160}>Quota</Table.Th>
            <SortHeader field="createdAt" label="Created" sort={sort} order={order} onSort={onSort} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accounts.isLoading || domain === null
            ? <LoadingRows rows={5} columns={6} />
            : accounts.data?.items.map((account) => (
                <Table.Tr key={account.address}>
                  <Table.Td>
                    <Anchor component={Link} href={`/accounts/view?address=${encodeURIComponent(account.address)}`}>
                      {account.address}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{account.displayName ?? ''}</Table.Td>
                  <Table.Td>
                    <StatusBadge ok={account.status === 'active'}>
                      {account.status}
                    </StatusBadge>
                  </Table.Td>
                  <Table.Td>{account.classOfService ?? <Text span c="dimmed">inherited</Text>}</Table.Td>
                  <Table.Td>
                    <QuotaBar compact usedBytes={account.quota.usedBytes} limitBytes={account.quota.limitBytes} />
                  </Table.Td>
                  <Table.Td>{new Date(account.createdAt).toLocaleDateString()}</Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {accounts.data && accounts.data.items.length === 0 ? (
        <Text c="dimmed" role="status">
          {q ? `No account matches "${q}".` : 'No accounts yet in this domain.'}
        </Text>
      ) : null}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Page {cursors.length}
        </Text>
        <Group>
          <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </Button>
          <Button variant="default" disabled={!accounts.data?.nextCursor} onClick={() => setCursors([...cursors, accounts.data!.nextCursor!])}>
            Next page
          </Button>
        </Group>
      </Group>
      {domain ? (
        <CreateAccountModal
          domain={domain}
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={(account) => router.push(`/accounts/view?address=${encodeURIComponent(account.address)}`)}
        />
      ) : null}
    </Stack>
  );
}

export default function AccountsPage() {
  return (
    <Suspense>
      <Accounts />
    </Suspense>
  );
}
