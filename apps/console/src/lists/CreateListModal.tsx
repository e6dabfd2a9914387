'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { KIND, POLICY_LABEL, POSTING_POLICIES, type ListKind, type ListView, type PostingPolicy } from './types';

export function CreateListModal({ kind, domain, opened, onClose, onCreated }: { kind: ListKind; domain: string; opened: boolean; onClose: () => void; onCreated: (list: ListView) => void }) {
  const queryClient = useQueryClient();
  const [localPart, setLocalPart] = useState('');
  const [name, setName] = useState('');
  const [postingPolicy, setPostingPolicy] = useState<PostingPolicy>('members');
  const create = useMutation({
    mutationFn: () =>
      post<ListView>(`/domains/${encodeURIComponent(domain)}/${KIND[kind].collection}`, {
        localPart,
        ...(name.trim() ? { name } : {}),
        ...(kind === 'list' ? { postingPolicy } : {}),
      }),
    onSuccess: (list) => {
      void queryClient.invalidateQueries({ queryKey: ['lists'] });
      onCreated(list);
    },
  });
  const errors = formErrors(create.error, ['localPart', 'name', 'postingPolicy']);
  return (
    <Modal opened={opened} onClose={onClose} title={`New ${KIND[kind].one}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput label="Address" rightSection={`@${domain}`} rightSectionWidth={Math.min(260, domain.length * 8 + 24)} value={localPart} error={errors.byField.localPart} onChange={(e) => setLocalPart(e.currentTarget.value)} />
          <TextInput label="Display name" value={name} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} />
          {kind === 'list' ? (
            <Select
              label="Who may post"
              data={POSTING_POLICIES.map((p) => ({ value: p, label: POLICY_LABEL[p] }))}
              value={postingPolicy}
              allowDeselect={false}
              error={errors.byField.postingPolicy}
              onChange={(v) => v && setPostingPolicy(v as PostingPolicy)}
            />
          ) : null}
          <FormError message={errors.general} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create {KIND[kind].one}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
