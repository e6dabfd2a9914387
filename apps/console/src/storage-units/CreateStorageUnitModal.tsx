'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { FormError } from '@/ui/States';
import { STATE_LABEL, STORAGE_UNIT_STATES, type StorageUnit, type StorageUnitState } from './types';

const FIELDS = ['name', 'directory', 'capacityGb', 'state'] as const;

/** A new unit: the API creates the directory if missing and refuses one it cannot write to (next to the field). */
export function CreateStorageUnitModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (unit: StorageUnit) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [directory, setDirectory] = useState('');
  const [capacityGb, setCapacityGb] = useState<number | ''>(100);
  const [state, setState] = useState<StorageUnitState>('active');
  const create = useMutation({
    mutationFn: () => post<StorageUnit>('/storage-units', { name: name.trim(), directory: directory.trim(), capacityGb: capacityGb === '' ? undefined : capacityGb, state }),
    onSuccess: async (unit) => {
      await queryClient.invalidateQueries({ queryKey: ['storage-units'] });
      setName('');
      setDirectory('');
      onCreated(unit);
    },
  });
  const errors = formErrors(create.error, FIELDS, { capacityBytes: 'capacityGb' });
  return (
    <Modal opened={opened} onClose={onClose} title="Add a storage unit">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <FormError message={errors.general} />
          <TextInput label="Unit name" required value={name} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <TextInput label="Directory" description="An absolute path on this server" placeholder="/srv/mail/volume2" required value={directory} error={errors.byField.directory} onChange={(e) => setDirectory(e.currentTarget.value)} />
          <NumberInput label="Capacity (GB)" required min={1} value={capacityGb} error={errors.byField.capacityGb} onChange={(v) => setCapacityGb(typeof v === 'number' ? v : '')} />
          <Select
            label="State"
            data={STORAGE_UNIT_STATES.map((s) => ({ value: s, label: STATE_LABEL[s] }))}
            value={state}
            error={errors.byField.state}
            onChange={(v) => v && setState(v as StorageUnitState)}
            allowDeselect={false}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add storage unit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
