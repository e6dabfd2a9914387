'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { del, get, patch } from '@/api/client';
import { useSession } from '@/session/session';
import { ClassOfServiceForm } from '@/classes-of-service/ClassOfServiceForm';
import { ClassOfServiceUsage, impactQuery } from '@/classes-of-service/ClassOfServiceUsage';
import { impactText, inputOf, type ClassOfService, type ClassOfServiceImpact, type ClassOfServiceInput } from '@/classes-of-service/types';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError } from '@/ui/States';

function ClassOfServiceEditor({ cos }: { cos: ClassOfService }) {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  // A platform-wide class is the platform's: only staff change it, whatever a district admin's rights say.
  const own = cos.domain !== null || session.homeDomain === null;
  const editable = own && session.can('update', 'ClassOfService');
  const [pending, setPending] = useState<{ values: ClassOfServiceInput; impact: ClassOfServiceImpact } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const path = `/classes-of-service/${encodeURIComponent(cos.name)}`;

  // The count is taken fresh when the person presses save, not from the list's cache.
  const checkImpact = useMutation({
    mutationFn: async (values: ClassOfServiceInput) => ({ values, impact: await queryClient.fetchQuery({ ...impactQuery(cos.name), staleTime: 0 }) }),
    onSuccess: setPending,
  });
  const save = useMutation({
    mutationFn: (values: ClassOfServiceInput) => patch<ClassOfService>(path, values, cos.version),
    onSuccess: async (saved) => {
      setPending(null);
      // The editor shows the saved version at once (it is keyed by version), not when a refetch
      // comes back, which would reset what the person typed in the meantime.
      queryClient.setQueryData(['classes-of-service', 'one', saved.name], saved);
      notifications.show({ message: `Saved ${saved.name}`, color: 'teal' });
      if (saved.name !== cos.name) router.replace(`/classes-of-service/view?name=${encodeURIComponent(saved.name)}`);
      await queryClient.invalidateQueries({ queryKey: ['classes-of-service'] });
    },
    onError: () => setPending(null),
  });
  const remove = useMutation({
    mutationFn: () => del(path),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['classes-of-service'] });
      router.push('/classes-of-service');
    },
  });

  return (
    <Stack>
      <Anchor component={Link} href="/classes-of-service" size="sm">
        ← Classes of service
      </Anchor>
      <Group justify="space-between">
        <div>
          <Title order={2}>{cos.name}</Title>
          <Text size="sm">{cos.domain ? `Owned by ${cos.domain}` : 'Platform-wide'}</Text>
        </div>
        {own && session.can('delete', 'ClassOfService') ? (
          <Button color="red.9" variant="outline" onClick={() => setDeleting(true)}>
            Delete class
          </Button>
        ) : null}
      </Group>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Used by:
        </Text>
        <ClassOfServiceUsage name={cos.name} />
      </Group>
      <ClassOfServiceForm
        initial={inputOf(cos)}
        attached={cos.wordLists}
        ownerDomain={cos.domain}
        editable={editable}
        error={save.error ?? checkImpact.error}
        busy={checkImpact.isPending || save.isPending}
        submitLabel="Save changes"
        onSubmit={(values) => checkImpact.mutate(values)}
      />
      <ConfirmModal
        opened={pending !== null}
        title={`Save the changes to ${cos.name}?`}
        confirmLabel="Save changes"
        busy={save.isPending}
        onConfirm={() => pending && save.mutate(pending.values)}
        onClose={() => setPending(null)}
      >
        {pending ? impactText(pending.impact) : ''}
      </ConfirmModal>
      <ConfirmModal
        opened={deleting}
        title={`Delete the class of service ${cos.name}?`}
        confirmLabel="Delete the class"
        typeToConfirm={cos.name}
        busy={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
      >
        A class still assigned to a domain or an account cannot be deleted: assign them another class first.
      </ConfirmModal>
    </Stack>
  );
}

function ClassOfServiceScreen() {
  const name = useSearchParams().get('name') ?? '';
  const cos = useQuery({
    queryKey: ['classes-of-service', 'one', name],
    queryFn: () => get<ClassOfService>(`/classes-of-service/${encodeURIComponent(name)}`),
    enabled: name !== '',
  });
  if (!name) return <LoadError error={new Error('no class of service was named in the address bar')} what="Class of service" />;
  if (cos.isLoading) return <Loading label="Loading the class of service" />;
  if (cos.error) return <LoadError error={cos.error} what="Class of service" />;
  // Keyed by version: a saved change (or someone else's) resets the form to what the server holds.
  return <ClassOfServiceEditor key={`${cos.data!.name}:${cos.data!.version}`} cos={cos.data!} />;
}

export default function ClassOfServicePage() {
  return (
    <Suspense>
      <ClassOfServiceScreen />
    </Suspense>
  );
}
