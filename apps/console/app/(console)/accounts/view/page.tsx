'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Group, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { del, get, patch, put } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useDraft } from '@/forms/draft';
import { useSession } from '@/session/session';
import { SERVICE_LABELS, SERVICE_NAMES, type ServiceName } from '@/domains/types';
import { QuotaBar } from '@/accounts/QuotaBar';
import { EffectiveSettingsPanel } from '@/accounts/EffectiveSettingsPanel';
import { AccountAliases } from '@/accounts/AccountAliases';
import { useClassesOfService } from '@/classes-of-service/useClassesOfService';
import type { AccountView } from '@/accounts/types';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';

function AccountDetails({ account }: { account: AccountView }) {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const path = `/accounts/${encodeURIComponent(account.address)}`;
  const canUpdate = session.can('update', 'Account');
  const classes = useClassesOfService(canUpdate);
  const draft = useDraft({ displayName: account.displayName ?? '', classOfService: account.classOfService });
  const { displayName, classOfService } = draft.values;
  const [password, setPassword] = useState('');
  const [deleting, setDeleting] = useState(false);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['accounts'] });
  };
  const update = useMutation({
    mutationFn: (body: Record<string, unknown>) => patch<AccountView>(path, body, account.version),
    onSuccess: async (updated, body) => {
      // The answer carries the new version: the next save on this screen sends it at once.
      queryClient.setQueryData(['accounts', 'one', account.address], updated);
      await refresh();
      draft.reset(body);
      notifications.show({ message: 'Saved', color: 'teal' });
    },
  });
  const resetPassword = useMutation({
    mutationFn: () => put(`${path}/password`, { password }),
    onSuccess: () => {
      setPassword('');
      notifications.show({ message: 'Password changed', color: 'teal' });
    },
  });
  const remove = useMutation({
    mutationFn: () => del(path),
    onSuccess: async () => {
      await refresh();
      router.push('/accounts');
    },
  });
  const editErrors = formErrors(update.error, ['displayName', 'classOfService', 'services', 'status']);
  const passwordErrors = formErrors(resetPassword.error, ['password']);

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Anchor component={Link} href="/accounts" size="sm">
            ← Accounts
          </Anchor>
          <Title order={2}>{account.address}</Title>
        </div>
        <Group>
          <StatusBadge size="lg" ok={account.status === 'active'} testId="account-status">
            {account.status}
          </StatusBadge>
          {canUpdate ? (
            <Button variant="default" loading={update.isPending} onClick={() => update.mutate({ status: account.status === 'active' ? 'suspended' : 'active' })}>
              {account.status === 'active' ? 'Suspend' : 'Reactivate'}
            </Button>
          ) : null}
          {session.can('delete', 'Account') ? (
            <Button color="red.9" variant="outline" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          ) : null}
        </Group>
      </Group>
      {editErrors.general ? (
        <Alert color="red" role="alert">
          {editErrors.general}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            Details
          </Title>
          <Stack>
            <TextInput label="Display name" value={displayName} onChange={(e) => draft.set('displayName', e.currentTarget.value)} error={editErrors.byField.displayName} disabled={!canUpdate} />
            <Select
              label="Class of service"
              placeholder="Inherited from the domain"
              data={classes.data ?? (classOfService ? [classOfService] : [])}
              value={classOfService}
              onChange={(value) => draft.set('classOfService', value)}
              clearable
              error={editErrors.byField.classOfService}
              disabled={!canUpdate}
            />
            {canUpdate ? (
              <Group justify="flex-end">
                <Button loading={update.isPending} onClick={() => update.mutate({ displayName: displayName || null, classOfService })}>
                  Save details
                </Button>
              </Group>
            ) : null}
            <div>
              <Text size="sm" fw={500} mb={4}>
                Mailbox use
              </Text>
              <QuotaBar usedBytes={account.quota.usedBytes} limitBytes={account.quota.limitBytes} />
            </div>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            Services for this account
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Off here turns a service off for this mailbox only. The domain or the class of service can also turn it off: the effective settings below say which.
          </Text>
          <Stack gap="xs">
            {SERVICE_NAMES.map((service: ServiceName) => (
              <Switch
                key={service}
                label={SERVICE_LABELS[service]}
                checked={account.services[service]}
                disabled={!canUpdate || update.isPending}
                onChange={(e) => update.mutate({ services: { [service]: e.currentTarget.checked } })}
              />
            ))}
          </Stack>
          {canUpdate ? (
            <Stack mt="md" gap="xs">
              <PasswordInput label="New password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={passwordErrors.byField.password} />
              {passwordErrors.general ? (
                <Alert color="red" role="alert">
                  {passwordErrors.general}
                </Alert>
              ) : null}
              <Group justify="flex-end">
                <Button variant="default" disabled={!password} loading={resetPassword.isPending} onClick={() => resetPassword.mutate()}>
                  Reset password
                </Button>
              </Group>
            </Stack>
          ) : null}
        </Paper>
      </SimpleGrid>
      <EffectiveSettingsPanel address={account.address} />
      <AccountAliases address={account.address} domain={account.domain} />
      <ConfirmModal
        opened={deleting}
        title="Delete this account?"
        confirmLabel="Delete account"
        typeToConfirm={account.address}
        busy={remove.isPending}
        error={remove.error?.message ?? null}
        onConfirm={() => remove.mutate()}
        onClose={() => setDeleting(false)}
      >
        The mailbox {account.address} and all of its mail are deleted. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}

function AccountScreen() {
  const address = useSearchParams().get('address') ?? '';
  const account = useQuery({
    queryKey: ['accounts', 'one', address],
    queryFn: () => get<AccountView>(`/accounts/${encodeURIComponent(address)}`),
    enabled: address !== '',
  });
  if (!address) return <LoadError error={new Error('no account was named in the address bar')} what="Account" />;
  if (account.isLoading) return <Loading label="Loading account" />;
  if (account.error) return <LoadError error={account.error} what="Account" />;
  // Keyed by address: another account starts its forms afresh; a refetch of the same account
  // keeps what is being typed (see useDraft).
  return <AccountDetails key={account.data!.address} account={account.data!} />;
}

export default function AccountPage() {
  return (
    <Suspense>
      <AccountScreen />
    </Suspense>
  );
}
