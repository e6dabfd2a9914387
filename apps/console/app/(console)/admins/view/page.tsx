'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { del, get, patch } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';
import { Assignments } from '@/admins/Assignments';
import type { Admin } from '@/admins/types';

function AdminView() {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useSearchParams().get('id') ?? '';
  const [deleting, setDeleting] = useState(false);
  const admin = useQuery({ queryKey: ['admins', 'one', id], queryFn: () => get<Admin>(`/admins/${encodeURIComponent(id)}`) });
  const setDisabled = useMutation({
    mutationFn: (disabled: boolean) => patch<Admin>(`/admins/${encodeURIComponent(id)}`, { disabled }, admin.data?.version),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admins'] }),
  });
  const remove = useMutation({
    mutationFn: () => del(`/admins/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admins'] });
      router.push('/admins');
    },
  });
  if (admin.isLoading) return <Loading label="Loading the administrator" />;
  if (admin.error) return <LoadError error={admin.error} what="Administrator" />;
  const a = admin.data!;
  return (
    <Stack>
      <Anchor component={Link} href="/admins">
        Back to the administrators
      </Anchor>
      <Group justify="space-between">
        <Title order={2}>{a.username}</Title>
        <Group>
          {session.can('update', 'Admin') ? (
            <Button variant="default" loading={setDisabled.isPending} onClick={() => setDisabled.mutate(!a.disabled)}>
              {a.disabled ? 'Enable sign-in' : 'Disable sign-in'}
            </Button>
          ) : null}
          {session.can('delete', 'Admin') ? (
            <Button color="red.9" variant="outline" onClick={() => setDeleting(true)}>
              Delete administrator
            </Button>
          ) : null}
        </Group>
      </Group>
      <Group>
        <Text>{a.displayName ?? 'No full name'}</Text>
        <StatusBadge ok={!a.disabled} size="sm">
          {a.disabled ? 'disabled' : 'active'}
        </StatusBadge>
      </Group>
      {setDisabled.error ? (
        <Alert color="red" role="alert">
          {setDisabled.error.message}
        </Alert>
      ) : null}
      <Assignments admin={a} />
      <ConfirmModal
        opened={deleting}
        title={`Delete the administrator ${a.username}?`}
        confirmLabel="Delete the administrator"
        typeToConfirm={a.username}
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => remove.mutate()}
        onClose={() => setDeleting(false)}
      >
        {`${a.username} and its ${a.assignments.length} ${a.assignments.length === 1 ? 'assignment' : 'assignments'} are deleted; its sessions end.`}
      </ConfirmModal>
    </Stack>
  );
}

export default function AdminPage() {
  return (
    <Suspense>
      <AdminView />
    </Suspense>
  );
}
