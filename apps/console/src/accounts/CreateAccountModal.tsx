'use client';
import { FormError } from '@/ui/States';
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import type { AccountView } from './types';

const FIELDS = ['localPart', 'displayName', 'password'] as const;

export function CreateAccountModal({ domain, opened, onClose, onCreated }: { domain: string; opened: boolean; onClose: () => void; onCreated: (account: AccountView) => void }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ localPart: '', displayName: '', password: '' });
  const create = useMutation({
    mutationFn: () => post<AccountView>(`/domains/${encodeURIComponent(domain)}/accounts`, { ...values, displayName: values.displayName || undefined }),
    onSuccess: async (account) => {
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
      setValues({ localPart: '', displayName: '', password: '' });
      onCreated(account);
    },
  });
  const errors = formErrors(create.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const field = (name: (typeof FIELDS)[number]) => ({
    value: values[name],
    onChange: (e: { currentTarget: { value: string } }) => setValues({ ...values, [name]: e.currentTarget.value }),
    error: errors.byField[name],
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`New account in ${domain}`}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError message={errors.general} />
          <TextInput label="Address" required rightSection={<span aria-hidden>@{domain}</span>} rightSectionWidth={Math.min(220, domain.length * 8 + 24)} {...field('localPart')} />
          <TextInput label="Display name" {...field('displayName')} />
          <PasswordInput label="Password" required autoComplete="new-password" {...field('password')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
