'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { get, post, type Page } from '@/api/client';
import { Empty, FormError, Loading, LoadError } from '@/ui/States';
import { WordListEntries } from '@/word-lists/WordListEntries';
import { WordListSettings } from '@/word-lists/WordListSettings';
import type { WordList } from '@/word-lists/types';

const FIRST_LIST = { name: 'My word list', action: 'quarantine', direction: 'inbound' } as const;

function OwnList({ id }: { id: number }) {
  const list = useQuery({ queryKey: ['word-lists', 'one', String(id)], queryFn: () => get<WordList>(`/word-lists/${id}`) });
  if (list.isLoading) return <Loading label="Loading the word list" />;
  if (list.error) return <LoadError error={list.error} what="Word list" />;
  return (
    <Paper withBorder p="md" component="section" aria-label={list.data!.name}>
      <Stack>
        <WordListSettings list={list.data!} editable />
        <WordListEntries list={list.data!} editable />
      </Stack>
    </Paper>
  );
}

/** The owner's own (account-scope) word lists; the first one is made with a click. */
export function MyWordLists({ address }: { address: string }) {
  const queryClient = useQueryClient();
  const lists = useQuery({
    queryKey: ['word-lists', 'own', address],
    queryFn: () => get<Page<WordList>>('/word-lists', { scope: 'account', account: address, limit: 20 }),
  });
  const create = useMutation({
    mutationFn: () => post<WordList>('/word-lists', { ...FIRST_LIST, scope: 'account', account: address }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['word-lists'] }),
  });
  if (lists.isLoading) return <Loading label="Loading your word lists" />;
  if (lists.error) return <LoadError error={lists.error} what="Word lists" />;
  const items = lists.data!.items;
  if (items.length === 0) {
    return (
      <Stack align="flex-start">
        <Empty>You have no word list yet.</Empty>
        <Text>Messages to you that contain one of its words or phrases are held in quarantine, rejected or tagged, as you choose.</Text>
        <FormError message={create.error?.message} />
        <Button onClick={() => create.mutate()} loading={create.isPending}>
          Create my word list
        </Button>
      </Stack>
    );
  }
  return (
    <Stack>
      {items.length > 1 ? <Title order={3}>Your {items.length} word lists</Title> : null}
      {items.map((item) => (
        <OwnList key={item.id} id={item.id} />
      ))}
    </Stack>
  );
}
