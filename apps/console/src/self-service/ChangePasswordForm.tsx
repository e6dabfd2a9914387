'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { put } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { FormError } from '@/ui/States';
import { myAccountKey } from './types';
import { usePasswordPolicy } from './PasswordPolicyRules';

/** The owner's own password: proves the current one; the API applies the policy and says what is wrong, next to the field. */
export function ChangePasswordForm({ address }: { address: string }) {
  const queryClient = useQueryClient();
  const policy = usePasswordPolicy();
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => put(`/accounts/${encodeURIComponent(address)}/password`, { currentPassword, password }),
    onSuccess: () => {
      setCurrentPassword('');
      setPassword('');
      setRepeated('');
      return queryClient.invalidateQueries({ queryKey: myAccountKey(address) });
    },
  });
  const errors = formErrors(change.error, ['currentPassword', 'password']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeated);
    if (password === repeated) change.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Change your password">
      <Stack maw={420}>
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={currentPassword}
          error={errors.byField.currentPassword}
          onChange={(e) => setCurrentPassword(e.currentTarget.value)}
        />
        <PasswordInput
          label="New password"
          description={policy.data ? `At least ${policy.data.minLength} characters` : undefined}
          autoComplete="new-password"
          required
          value={password}
          error={errors.byField.password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <PasswordInput
          label="New password again"
          autoComplete="new-password"
          required
          value={repeated}
          error={mismatch ? 'is not the same as the new password' : undefined}
          onChange={(e) => setRepeated(e.currentTarget.value)}
        />
        <FormError message={errors.general} />
        {change.isSuccess ? (
          <Alert color="teal" role="status" title="Password changed">
            Use the new password from now on, here and in your mail apps.
          </Alert>
        ) : null}
        <Button type="submit" loading={change.isPending} disabled={!currentPassword || !password || !repeated}>
          Change password
        </Button>
      </Stack>
    </form>
  );
}
