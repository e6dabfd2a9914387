'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Group, NumberInput, PasswordInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { FormError } from '@/ui/States';
import { rpopKey, TLS_LABEL, type PopTls, type RpopSource } from './types';

const FIELDS = ['host', 'port', 'tls', 'username', 'password', 'leaveOnServer'] as const;

/** Adds a remote POP mailbox; the password goes to the server once and is never shown again. */
export function RpopSourceForm({ address }: { address: string }) {
  const queryClient = useQueryClient();
  const [host, setHost] = useState('');
  const [port, setPort] = useState<number | ''>('');
  const [tls, setTls] = useState<PopTls>('starttls');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [leaveOnServer, setLeaveOnServer] = useState(true);
  const add = useMutation({
    mutationFn: () =>
      post<RpopSource>(`/accounts/${encodeURIComponent(address)}/rpop-sources`, {
        host,
        tls,
        username,
        password,
        leaveOnServer,
        ...(port === '' ? {} : { port }),
      }),
    onSuccess: () => {
      setHost('');
      setPort('');
      setUsername('');
      setPassword('');
      return queryClient.invalidateQueries({ queryKey: rpopKey(address) });
    },
  });
  const errors = formErrors(add.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-rpop-title">
      <Stack maw={640}>
        <Title order={3} id="add-rpop-title">
          Collect mail from another mailbox
        </Title>
        <Group align="flex-start" grow>
          <TextInput label="POP3 server" placeholder="pop.example.org" required value={host} error={errors.byField.host} onChange={(e) => setHost(e.currentTarget.value)} />
          <NumberInput
            label="Port"
            description="Empty: the usual port"
            min={1}
            max={65535}
            allowDecimal={false}
            value={port}
            error={errors.byField.port}
            onChange={(value) => setPort(typeof value === 'number' ? value : '')}
          />
        </Group>
        <Select
          label="Encryption"
          data={(Object.keys(TLS_LABEL) as PopTls[]).map((value) => ({ value, label: TLS_LABEL[value] }))}
          value={tls}
          allowDeselect={false}
          error={errors.byField.tls}
          onChange={(value) => value && setTls(value as PopTls)}
        />
        <Group align="flex-start" grow>
          <TextInput label="User name there" autoComplete="off" required value={username} error={errors.byField.username} onChange={(e) => setUsername(e.currentTarget.value)} />
          <PasswordInput label="Password there" autoComplete="new-password" required value={password} error={errors.byField.password} onChange={(e) => setPassword(e.currentTarget.value)} />
        </Group>
        <Checkbox label="Leave the messages on that server" checked={leaveOnServer} onChange={(e) => setLeaveOnServer(e.currentTarget.checked)} />
        <FormError message={errors.general} />
        <Group>
          <Button type="submit" loading={add.isPending}>
            Add remote mailbox
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
