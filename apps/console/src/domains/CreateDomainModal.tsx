'use client';
import { FormError } from '@/ui/States';
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useClassesOfService } from '@/classes-of-service/useClassesOfService';
import type { DomainView } from './types';

const FIELDS = ['name', 'parent', 'classOfService'] as const;

export function CreateDomainModal(props: { opened: boolean; parents: string[]; defaultParent: string | null; onClose: () => void; onCreated: (domain: DomainView) => void }) {
  const queryClient = useQueryClient();
  const classes = useClassesOfService(props.opened);
  const [name, setName] = useState('');
  const [parent, setParent] = useState<string | null>(props.defaultParent);
  const [classOfService, setClassOfService] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => post<DomainView>('/domains', { name, parent: parent ?? undefined, classOfService: classOfService ?? undefined }),
    onSuccess: async (domain) => {
      await queryClient.invalidateQueries({ queryKey: ['domains'] });
      setName('');
      props.onCreated(domain);
    },
  });
  const errors = formErrors(create.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New domain">
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError message={errors.general} />
          <TextInput label="Domain name" placeholder="west.district1.k12.us" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.byField.name} />
          <Select label="Parent domain" placeholder="None: a new district" data={props.parents} value={parent} onChange={setParent} clearable searchable error={errors.byField.parent} />
          <Select label="Class of service" placeholder="Inherited" data={classes.data ?? []} value={classOfService} onChange={setClassOfService} clearable error={errors.byField.classOfService} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create domain
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
