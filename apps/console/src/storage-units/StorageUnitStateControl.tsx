'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group } from '@mantine/core';
import { patch } from '@/api/client';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { isStale, STALE_UNIT_MESSAGE, STATE_EFFECT, STATE_LABEL, STORAGE_UNIT_STATES, storageUnitQueryKey, type StorageUnit, type StorageUnitState } from './types';

/**
 * One button per other state; each change is confirmed, saying what it does to the mail. It is
 * sent with the version shown as If-Match; when someone else changed the unit meanwhile (412)
 * the confirmation says so and the unit is refetched, to be checked and confirmed again.
 */
export function StorageUnitStateControl({ unit }: { unit: StorageUnit }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<StorageUnitState | null>(null);
  const change = useMutation({
    mutationFn: (state: StorageUnitState) => patch<StorageUnit>(`/storage-units/${unit.id}`, { state }, unit.version),
    onSuccess: async (updated) => {
      setTarget(null);
      // The new version at once, so a save of the settings form right after is not refused.
      queryClient.setQueryData(storageUnitQueryKey(String(unit.id)), updated);
      await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
    },
    onError: async (error) => {
      if (isStale(error)) await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
    },
  });
  return (
    <>
      <Group gap="xs">
        {STORAGE_UNIT_STATES.filter((s) => s !== unit.state).map((state) => (
          <Button key={state} variant="default" onClick={() => setTarget(state)}>
            Make {STATE_LABEL[state]}
          </Button>
        ))}
      </Group>
      <ConfirmModal
        opened={target !== null}
        title={target ? `Make ${unit.name} ${STATE_LABEL[target]}?` : ''}
        confirmLabel={target ? `Make ${STATE_LABEL[target]}` : ''}
        busy={change.isPending}
        error={isStale(change.error) ? STALE_UNIT_MESSAGE : change.error?.message}
        onConfirm={() => target && change.mutate(target)}
        onClose={() => {
          setTarget(null);
          change.reset();
        }}
      >
        {target ? `${STATE_EFFECT[target]} It serves ${unit.domains.length ? unit.domains.join(', ') : 'every domain without a unit of its own'}.` : ''}
      </ConfirmModal>
    </>
  );
}
