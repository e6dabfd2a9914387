'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import type { Admin } from './types';

export function CreateAdminModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (admin: Admin) => void }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () => post<Admin>('/admins', { username, password, ...(displayName.trim() ? { displayName } : {}) }),
    onSuccess: (admin) => {
      void queryClient.invalidateQueries({ queryKey: ['admins'] });
      onCreated(admin);
    },
  });
  const errors = formErrors(create.error, ['username', 'password', 'displayName']);
  return (
    <Modal opened={opened} onClose={onClose} title="New administrator">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput label="Username" description="Letters, digits, dot, underscore, hyphen" value={username} error={errors.byField.username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <TextInput label="Full name" value={displayName} error={errors.byField.displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <PasswordInput label="Password" description="At least 12 characters" value={password} error={errors.byField.password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <FormError message={errors.general} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create administrator
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
