'use client';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ActionIcon, Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { del, get, post, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';

interface AliasView {
  address: string;
  targets: string[];
}

/** Addresses of the account's domain that deliver to this mailbox. */
export function AccountAliases({ address, domain }: { address: string; domain: string }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const key = ['aliases', domain, address];
  const aliases = useQuery({
    queryKey: key,
    queryFn: async () => (await get<Page<AliasView>>(`/domains/${encodeURIComponent(domain)}/aliases`, { limit: 500 })).items.filter((a) => a.targets.includes(address)),
  });
  const [localPart, setLocalPart] = useState('');
  const add = useMutation({
    mutationFn: () => post(`/domains/${encodeURIComponent(domain)}/aliases`, { localPart, targets: [address] }),
    onSuccess: async () => {
      setLocalPart('');
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (alias: string) => del(`/aliases/${encodeURIComponent(alias)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const errors = formErrors(add.error, ['localPart']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h4" mb="xs">
        Aliases
      </Title>
      <Stack gap="xs">
        {aliases.data?.length === 0 ? <Text c="dimmed">No alias delivers to this mailbox.</Text> : null}
        {aliases.data?.map((alias) => (
          <Group key={alias.address} justify="space-between">
            <Text>{alias.address}</Text>
            {session.can('delete', 'Alias') ? (
              <ActionIcon variant="outline" color="red.9" aria-label={`Remove alias ${alias.address}`} onClick={() => remove.mutate(alias.address)}>
                ×
              </ActionIcon>
            ) : null}
          </Group>
        ))}
        {session.can('create', 'Alias') ? (
          <form onSubmit={submit}>
            <Group align="flex-start">
              <TextInput label="New alias" placeholder="local part" value={localPart} onChange={(e) => setLocalPart(e.currentTarget.value)} error={errors.byField.localPart} rightSection={<span aria-hidden>@</span>} />
              <Button type="submit" mt={24} variant="default" loading={add.isPending}>
                Add alias
              </Button>
            </Group>
            {errors.general ? (
              <Alert color="red" role="alert" mt="xs">
                {errors.general}
              </Alert>
            ) : null}
          </form>
        ) : null}
      </Stack>
    </Paper>
  );
}
