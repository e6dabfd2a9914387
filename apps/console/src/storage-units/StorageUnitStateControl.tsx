'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group } from '@mantine/core';
import { patch } from '@/api/client';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { STATE_EFFECT, STATE_LABEL, STORAGE_UNIT_STATES, type StorageUnit, type StorageUnitState } from './types';

/** One button per other state; each change is confirmed, saying what it does to the mail. */
export function StorageUnitStateControl({ unit }: { unit: StorageUnit }) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<StorageUnitState | null>(null);
  const change = useMutation({
    mutationFn: (state: StorageUnitState) => patch<StorageUnit>(`/storage-units/${unit.id}`, { state }),
    onSuccess: async () => {
      setTarget(null);
      await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
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
        error={change.error?.message}
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
