'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Paper, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { patch } from '@/api/client';
import { formatBytes } from '@/accounts/QuotaBar';
import { useDraft } from '@/forms/draft';
import { formErrors } from '@/forms/field-errors';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { FormError } from '@/ui/States';
import { amountIn, displayUnit, parseCapacity, type ParsedCapacity } from './capacity';
import { CapacityField } from './CapacityField';
import { ServedDomainsField } from './ServedDomainsField';
import { isStale, STALE_UNIT_MESSAGE, storageUnitQueryKey, type StorageUnit } from './types';

interface Changes {
  capacityBytes?: number;
  domains?: string[];
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Staff change a unit's capacity and the domains it serves (PATCH /storage-units/{id}; the
 * list replaces the current one). Only what changed is sent, with the version shown as
 * If-Match. When someone else saved in between (412), the edits are dropped and the unit
 * refetched: the domain list replaces the saved one, so saving the edits over their version
 * would silently undo their change.
 */
export function StorageUnitSettingsForm({ unit }: { unit: StorageUnit }) {
  const queryClient = useQueryClient();
  const shownIn = displayUnit(unit.capacityBytes);
  const saved = { amount: amountIn(unit.capacityBytes, shownIn), unit: shownIn, domains: unit.domains };
  const draft = useDraft(saved);
  const { amount, unit: capacityUnit, domains } = draft.values;
  // Field messages of the form's own checks appear once the person has tried to save.
  const [tried, setTried] = useState(false);
  const [shrinking, setShrinking] = useState<Changes | null>(null);

  const capacityEdited = amount !== saved.amount || capacityUnit !== saved.unit;
  const capacity: ParsedCapacity = capacityEdited ? parseCapacity(amount, capacityUnit) : { bytes: unit.capacityBytes };

  // The unit the edits start from, whose version a save sends as If-Match. It follows a refetch
  // while nothing is edited, or when the refetched unit has the same capacity and domains (a
  // state change made on this screen); otherwise it stays, so edits made over one version are
  // refused (412) against another instead of silently undoing the change between them.
  const [basis, setBasis] = useState(unit);
  const edited = capacityEdited || !sameList(domains, unit.domains);
  if (basis !== unit && (!edited || (basis.capacityBytes === unit.capacityBytes && sameList(basis.domains, unit.domains)))) setBasis(unit);

  const save = useMutation({
    mutationFn: (changes: Changes) => patch<StorageUnit>(`/storage-units/${unit.id}`, changes, basis.version),
    onSuccess: async (updated) => {
      setShrinking(null);
      setTried(false);
      // The screen shows the saved unit at once; the refetch then refreshes the lists too.
      queryClient.setQueryData(storageUnitQueryKey(String(unit.id)), updated);
      draft.reset();
      notifications.show({ message: 'Saved', color: 'teal' });
      await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
    },
    onError: async (error) => {
      setShrinking(null);
      if (!isStale(error)) return;
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
      draft.reset();
    },
  });
  const errors = formErrors(save.error, ['capacity', 'domains'], { capacityBytes: 'capacity', capacityGb: 'capacity' });
  if (isStale(save.error)) errors.general = STALE_UNIT_MESSAGE;
  const capacityError = (tried ? capacity.error : undefined) ?? errors.byField.capacity;

  const submit = () => {
    setTried(true);
    if (capacity.error !== undefined) return;
    const changes: Changes = {};
    if (capacity.bytes !== unit.capacityBytes) changes.capacityBytes = capacity.bytes;
    if (!sameList(domains, unit.domains)) changes.domains = domains;
    if (Object.keys(changes).length === 0) {
      draft.reset();
      notifications.show({ message: 'Nothing to save: no change was made', color: 'gray' });
    } else if (changes.capacityBytes !== undefined && changes.capacityBytes < unit.usedBytes) {
      setShrinking(changes);
    } else {
      save.mutate(changes);
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="Capacity and domains">
      <Title order={3} size="h4" mb="sm">
        Capacity and domains
      </Title>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          <FormError message={errors.general} />
          <CapacityField
            amount={amount}
            unit={capacityUnit}
            usedBytes={unit.usedBytes}
            bytes={capacity.bytes}
            error={capacityError}
            onAmountChange={(value) => draft.set('amount', value)}
            onUnitChange={(value) => draft.set('unit', value)}
          />
          <ServedDomainsField domains={domains} error={errors.byField.domains} onChange={(value) => draft.set('domains', value)} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmModal
        opened={shrinking !== null}
        title={`Make ${unit.name} smaller than what it holds?`}
        confirmLabel="Save the smaller capacity"
        busy={save.isPending}
        onConfirm={() => shrinking && save.mutate(shrinking)}
        onClose={() => setShrinking(null)}
      >
        {shrinking?.capacityBytes !== undefined
          ? `${formatBytes(unit.usedBytes)} is stored on ${unit.name}. With a capacity of ${formatBytes(shrinking.capacityBytes)} it counts as full and takes no new mail. New mail of its domains goes to their other units with room; when none has room, sending servers are asked to try again later.`
          : ''}
      </ConfirmModal>
    </Paper>
  );
}
