'use client';
import { Suspense, useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Anchor, Button, Group, Paper, Select, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { get, patch, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useDraft } from '@/forms/draft';
import { useSession } from '@/session/session';
import { SERVICE_LABELS, SERVICE_NAMES, type DomainView } from '@/domains/types';
import { BrandingEditor } from '@/domains/BrandingEditor';
import { useClassesOfService } from '@/classes-of-service/useClassesOfService';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Loading, LoadError, FormError } from '@/ui/States';
import { StatusBadge } from '@/ui/StatusBadge';

function DomainDetails({ domain }: { domain: DomainView }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const canUpdate = session.can('update', 'Domain');
  const classes = useClassesOfService(canUpdate);
  const draft = useDraft({ classOfService: domain.classOfService });
  const { classOfService } = draft.values;
  const [suspending, setSuspending] = useState(false);
  const children = useQuery({
    queryKey: ['domains', 'children', domain.name],
    queryFn: () => get<Page<DomainView>>('/domains', { parent: domain.name, limit: 500 }),
  });
  const update = useMutation({
    mutationFn: (body: Record<string, unknown>) => patch<DomainView>(`/domains/${encodeURIComponent(domain.name)}`, body, domain.version),
    onSuccess: async (updated, body) => {
      setSuspending(false);
      // The answer carries the new version: the next save on this screen sends it at once.
      queryClient.setQueryData(['domains', 'one', domain.name], updated);
      await queryClient.invalidateQueries({ queryKey: ['domains'] });
      draft.reset(body);
      notifications.show({ message: 'Saved', color: 'teal' });
    },
  });
  const errors = formErrors(update.error, ['classOfService', 'services', 'status']);
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Anchor component={Link} href="/domains" size="sm">
            ← Domains
          </Anchor>
          <Title order={2}>{domain.name}</Title>
          {domain.parent ? (
            <Text size="sm" c="dimmed">
              Sub-domain of{' '}
              <Anchor component={Link} href={`/domains/view?name=${encodeURIComponent(domain.parent)}`}>
                {domain.parent}
              </Anchor>
            </Text>
          ) : null}
        </div>
        <Group>
          <StatusBadge size="lg" ok={domain.status === 'active'} testId="domain-status">
            {domain.status}
          </StatusBadge>
          <Button component={Link} href={`/accounts?domain=${encodeURIComponent(domain.name)}`} variant="default">
            Accounts
          </Button>
          {canUpdate ? (
            domain.status === 'active' ? (
              <Button color="red.9" variant="outline" onClick={() => setSuspending(true)}>
                Suspend
              </Button>
            ) : (
              <Button variant="default" loading={update.isPending} onClick={() => update.mutate({ status: 'active' })}>
                Reactivate
              </Button>
            )
          ) : null}
        </Group>
      </Group>
      <FormError message={errors.general} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            Class of service
          </Title>
          <Stack>
            <Select
              label="Class of service"
              placeholder="Inherited from the parent, else server defaults"
              data={classes.data ?? (classOfService ? [classOfService] : [])}
              value={classOfService}
              onChange={(value) => draft.set('classOfService', value)}
              clearable
              error={errors.byField.classOfService}
              disabled={!canUpdate}
            />
            {canUpdate ? (
              <Group justify="flex-end">
                <Button loading={update.isPending} onClick={() => update.mutate({ classOfService })}>
                  Save class of service
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h4" mb="xs">
            Services
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Off here turns a service off for every account of this domain and its sub-domains.
          </Text>
          <Stack gap="xs">
            {SERVICE_NAMES.map((service) => (
              <Switch
                key={service}
                label={SERVICE_LABELS[service]}
                checked={domain.services[service]}
                disabled={!canUpdate || update.isPending}
                onChange={(e) => update.mutate({ services: { [service]: e.currentTarget.checked } })}
              />
            ))}
          </Stack>
        </Paper>
      </SimpleGrid>
      <BrandingEditor domain={domain} canUpdate={canUpdate} />
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="xs">
          Sub-domains
        </Title>
        {children.data?.items.length ? (
          <Stack gap={4}>
            {children.data.items.map((child) => (
              <Anchor key={child.name} component={Link} href={`/domains/view?name=${encodeURIComponent(child.name)}`}>
                {child.name}
              </Anchor>
            ))}
          </Stack>
        ) : (
          <Text c="dimmed">{children.isLoading ? 'Loading...' : 'No sub-domains.'}</Text>
        )}
      </Paper>
      <ConfirmModal
        opened={suspending}
        title={`Suspend ${domain.name}?`}
        confirmLabel="Suspend domain"
        typeToConfirm={domain.name}
        busy={update.isPending}
        error={update.error?.message ?? null}
        onConfirm={() => update.mutate({ status: 'suspended' })}
        onClose={() => setSuspending(false)}
      >
        Every mailbox of {domain.name} and its sub-domains stops receiving and sending mail until the domain is reactivated.
      </ConfirmModal>
    </Stack>
  );
}

function DomainScreen() {
  const name = useSearchParams().get('name') ?? '';
  const domain = useQuery({
    queryKey: ['domains', 'one', name],
    queryFn: () => get<DomainView>(`/domains/${encodeURIComponent(name)}`),
    enabled: name !== '',
  });
  if (!name) return <LoadError error={new Error('no domain was named in the address bar')} what="Domain" />;
  if (domain.isLoading) return <Loading label="Loading domain" />;
  if (domain.error) return <LoadError error={domain.error} what="Domain" />;
  // Keyed by name: following a link to another domain starts its forms afresh; a refetch of
  // the same domain keeps what is being typed (see useDraft).
  return <DomainDetails key={domain.data!.name} domain={domain.data!} />;
}

export default function DomainPage() {
  return (
    <Suspense>
      <DomainScreen />
    </Suspense>
  );
}
