'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { del, get, patch } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError } from '@/ui/States';
import { Members } from '@/lists/Members';
import { KIND, POLICY_LABEL, POSTING_POLICIES, type ListKind, type ListView, type PostingPolicy } from '@/lists/types';

function ListDetail() {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const kind: ListKind = params.get('kind') === 'group' ? 'group' : 'list';
  const address = params.get('address') ?? '';
  const path = `/${KIND[kind].collection}/${encodeURIComponent(address)}`;
  const [deleting, setDeleting] = useState(false);
  const list = useQuery({ queryKey: ['lists', kind, address], queryFn: () => get<ListView>(path) });
  const setPolicy = useMutation({
    mutationFn: (postingPolicy: PostingPolicy) => patch<ListView>(path, { postingPolicy }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['lists'] }),
  });
  const remove = useMutation({
    mutationFn: () => del(path),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['lists'] });
      router.push(`/lists?kind=${kind}`);
    },
  });
  if (list.isLoading) return <Loading label={`Loading the ${KIND[kind].one}`} />;
  if (list.error) return <LoadError error={list.error} what={kind === 'list' ? 'Mailing list' : 'Group'} />;
  const l = list.data!;
  const policyErrors = formErrors(setPolicy.error, ['postingPolicy']);
  return (
    <Stack>
      <Anchor component={Link} href={`/lists?kind=${kind}`}>
        Back to the {KIND[kind].plural.toLowerCase()}
      </Anchor>
      <Group justify="space-between">
        <Title order={2}>{l.address}</Title>
        {session.can('delete', KIND[kind].subject) ? (
          <Button color="red.9" variant="outline" onClick={() => setDeleting(true)}>
            Delete {KIND[kind].one}
          </Button>
        ) : null}
      </Group>
      <Text>
        {l.name ?? 'No display name'} · {l.memberCount} {l.memberCount === 1 ? 'member' : 'members'}
      </Text>
      {kind === 'list' && l.postingPolicy ? (
        <Select
          label="Who may post"
          data={POSTING_POLICIES.map((p) => ({ value: p, label: POLICY_LABEL[p] }))}
          value={l.postingPolicy}
          allowDeselect={false}
          disabled={!session.can('update', 'MailingList') || setPolicy.isPending}
          error={policyErrors.byField.postingPolicy}
          onChange={(v) => v && setPolicy.mutate(v as PostingPolicy)}
          w={320}
        />
      ) : null}
      {policyErrors.general ? (
        <Alert color="red" role="alert">
          {policyErrors.general}
        </Alert>
      ) : null}
      <Members kind={kind} address={l.address} />
      <ConfirmModal
        opened={deleting}
        title={`Delete ${l.address}?`}
        confirmLabel={`Delete the ${KIND[kind].one}`}
        typeToConfirm={l.address}
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => remove.mutate()}
        onClose={() => setDeleting(false)}
      >
        {`The ${KIND[kind].one} and its ${l.memberCount} ${l.memberCount === 1 ? 'membership' : 'memberships'} are deleted; mail to ${l.address} is refused from now on.`}
      </ConfirmModal>
    </Stack>
  );
}

export default function ListPage() {
  return (
    <Suspense>
      <ListDetail />
    </Suspense>
  );
}
