'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Table, Title } from '@mantine/core';
import { get, type Page } from '@/api/client';
import { useSession } from '@/session/session';
import { Empty, LoadingRows } from '@/ui/States';
import { CreateWordListModal } from '@/word-lists/CreateWordListModal';
import { TestMessagePanel } from '@/word-lists/TestMessagePanel';
import type { WordList, WordListScope } from '@/word-lists/types';
import { WideTable } from '@/ui/WideTable';

export default function WordListsPage() {
  const session = useSession();
  const router = useRouter();
  const [scope, setScope] = useState<'all' | WordListScope>('all');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [creating, setCreating] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const lists = useQuery({
    queryKey: ['word-lists', 'list', scope, cursor],
    queryFn: () => get<Page<WordList>>('/word-lists', { scope: scope === 'all' ? undefined : scope, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Word lists</Title>
        {session.can('create', 'WordList') ? <Button onClick={() => setCreating(true)}>New word list</Button> : null}
      </Group>
      <SegmentedControl
        aria-label="Level"
        value={scope}
        onChange={(v) => {
          setScope(v as typeof scope);
          setCursors([undefined]);
        }}
        data={[
          { value: 'all', label: 'All' },
          { value: 'system', label: 'System' },
          { value: 'domain', label: 'Domain' },
          { value: 'account', label: 'Mailbox' },
        ]}
        w={400}
      />
      {lists.error ? (
        <Alert color="red" role="alert">
          {lists.error.message}
        </Alert>
      ) : null}
      <WideTable label="Word lists" busy={lists.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Applies to</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Direction</Table.Th>
            <Table.Th>Entries</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lists.isLoading
            ? <LoadingRows rows={3} columns={5} />
            : lists.data?.items.map((list) => (
                <Table.Tr key={list.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/word-lists/view?id=${list.id}`}>
                      {list.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{list.scope === 'system' ? 'every mailbox' : (list.domain ?? list.account)}</Table.Td>
                  <Table.Td>{list.action}</Table.Td>
                  <Table.Td>{list.direction}</Table.Td>
                  <Table.Td>{list.entryCount}</Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {lists.data && lists.data.items.length === 0 ? <Empty>No word list yet at this level.</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!lists.data?.nextCursor} onClick={() => setCursors([...cursors, lists.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <TestMessagePanel />
      <CreateWordListModal opened={creating} onClose={() => setCreating(false)} onCreated={(list) => router.push(`/word-lists/view?id=${list.id}`)} />
    </Stack>
  );
}
