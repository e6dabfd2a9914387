'use client';
import { Suspense } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { useSession } from '@/session/session';
import { formatBytes, QuotaBar } from '@/accounts/QuotaBar';
import { StorageProblems } from '@/storage-units/StorageProblems';
import { StorageUnitStateBadge } from '@/storage-units/StorageUnitStateBadge';
import { StorageUnitStateControl } from '@/storage-units/StorageUnitStateControl';
import { StorageUnitSettingsForm } from '@/storage-units/StorageUnitSettingsForm';
import { STATE_EFFECT, storageUnitQueryKey, type StorageUnit } from '@/storage-units/types';
import { Loading, LoadError } from '@/ui/States';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text>{children}</Text>
    </div>
  );
}

function StorageUnitDetails({ unit }: { unit: StorageUnit }) {
  const session = useSession();
  return (
    <Stack>
      <Anchor component={Link} href="/storage-units" size="sm">
        ← Storage units
      </Anchor>
      <Group justify="space-between">
        <Group>
          <Title order={2}>{unit.name}</Title>
          <StorageUnitStateBadge state={unit.state} testId="storage-unit-state" />
        </Group>
        {session.can('update', 'StorageUnit') ? <StorageUnitStateControl unit={unit} /> : null}
      </Group>
      <Text>{STATE_EFFECT[unit.state]}</Text>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
          <Fact label="Directory">
            <code>{unit.directory}</code>
          </Fact>
          <Fact label="Capacity">{formatBytes(unit.capacityBytes)}</Fact>
          <Fact label="Message files">{unit.blobCount}</Fact>
        </SimpleGrid>
        <Stack>
          <QuotaBar usedBytes={unit.usedBytes} limitBytes={unit.capacityBytes} />
          <Fact label="Domains">{unit.domains.length ? unit.domains.join(', ') : 'Shared: every domain without a unit of its own'}</Fact>
        </Stack>
      </Paper>
      {session.can('update', 'StorageUnit') ? <StorageUnitSettingsForm unit={unit} /> : null}
      <StorageProblems unitId={unit.id} />
    </Stack>
  );
}

function StorageUnitScreen() {
  const id = useSearchParams().get('id') ?? '';
  const unit = useQuery({ queryKey: storageUnitQueryKey(id), queryFn: () => get<StorageUnit>(`/storage-units/${encodeURIComponent(id)}`), enabled: id !== '' });
  if (!id) return <LoadError error={new Error('no storage unit was named in the address bar')} what="Storage unit" />;
  if (unit.isLoading) return <Loading label="Loading the storage unit" />;
  if (unit.error) return <LoadError error={unit.error} what="Storage unit" />;
  // Keyed by id: another unit starts its form afresh; a refetch of this one keeps what is being typed (see useDraft).
  return <StorageUnitDetails key={unit.data!.id} unit={unit.data!} />;
}

export default function StorageUnitPage() {
  return (
    <Suspense>
      <StorageUnitScreen />
    </Suspense>
  );
}
