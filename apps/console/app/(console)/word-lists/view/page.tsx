'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { del, get } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError } from '@/ui/States';
import { WordListEntries } from '@/word-lists/WordListEntries';
import { WordListSettings } from '@/word-lists/WordListSettings';
import type { WordList } from '@/word-lists/types';

function WordListView() {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useSearchParams().get('id') ?? '';
  const [deleting, setDeleting] = useState(false);
  const list = useQuery({ queryKey: ['word-lists', 'one', id], queryFn: () => get<WordList>(`/word-lists/${encodeURIComponent(id)}`) });
  const remove = useMutation({
    mutationFn: () => del(`/word-lists/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['word-lists'] });
      router.push('/word-lists');
    },
  });
  if (list.isLoading) return <Loading label="Loading the word list" />;
  if (list.error) return <LoadError error={list.error} what="Word list" />;
  const l = list.data!;
  const editable = session.can('update', 'WordList') && (l.scope !== 'system' || session.homeDomain === null);
  return (
    <Stack>
      <Anchor component={Link} href="/word-lists">
        Back to the word lists
      </Anchor>
      <Group justify="space-between">
        <Title order={2}>{l.name}</Title>
        {session.can('delete', 'WordList') && editable ? (
          <Button color="red.9" variant="outline" onClick={() => setDeleting(true)}>
            Delete list
          </Button>
        ) : null}
      </Group>
      <Text>Applies to {l.scope === 'system' ? 'every mailbox' : l.scope === 'domain' ? `the domain ${l.domain} and its sub-domains` : `the mailbox ${l.account}`}.</Text>
      <WordListSettings list={l} editable={editable} />
      <WordListEntries list={l} editable={editable} />
      <ConfirmModal
        opened={deleting}
        title={`Delete the word list ${l.name}?`}
        confirmLabel="Delete the list"
        typeToConfirm={l.name}
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => remove.mutate()}
        onClose={() => setDeleting(false)}
      >
        {`The list and its ${l.entryCount} ${l.entryCount === 1 ? 'entry' : 'entries'} are deleted; messages are no longer checked against them.`}
      </ConfirmModal>
    </Stack>
  );
}

export default function WordListPage() {
  return (
    <Suspense>
      <WordListView />
    </Suspense>
  );
}
