'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { WORD_LIST_ACTIONS, WORD_LIST_DIRECTIONS, type WordList, type WordListAction, type WordListDirection, type WordListScope } from './types';

const FIELDS = ['name', 'scope', 'domain', 'account', 'action', 'direction'] as const;

export function CreateWordListModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (list: WordList) => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const staff = session.homeDomain === null;
  const [name, setName] = useState('');
  const [scope, setScope] = useState<WordListScope>(staff ? 'system' : 'domain');
  const [domain, setDomain] = useState<string | null>(session.homeDomain);
  const [account, setAccount] = useState('');
  const [action, setAction] = useState<WordListAction>('quarantine');
  const [direction, setDirection] = useState<WordListDirection>('inbound');
  const create = useMutation({
    mutationFn: () =>
      post<WordList>('/word-lists', {
        name,
        scope,
        action,
        direction,
        ...(scope === 'domain' ? { domain: domain ?? '' } : {}),
        ...(scope === 'account' ? { account } : {}),
      }),
    onSuccess: (list) => {
      void queryClient.invalidateQueries({ queryKey: ['word-lists'] });
      setName('');
      onCreated(list);
    },
  });
  const errors = formErrors(create.error, FIELDS);
  const scopes = [...(staff ? [{ value: 'system', label: 'System (every mailbox)' }] : []), { value: 'domain', label: 'A domain' }, { value: 'account', label: 'One mailbox' }];
  return (
    <Modal opened={opened} onClose={onClose} title="New word list">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <TextInput label="List name" required value={name} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Select label="Applies to" data={scopes} value={scope} error={errors.byField.scope} onChange={(v) => v && setScope(v as WordListScope)} allowDeselect={false} />
          {scope === 'domain' ? <DomainSelect value={domain} onChange={setDomain} /> : null}
          {scope === 'domain' && errors.byField.domain ? <Alert color="red">{errors.byField.domain}</Alert> : null}
          {scope === 'account' ? <TextInput label="Mailbox address" value={account} error={errors.byField.account} onChange={(e) => setAccount(e.currentTarget.value)} /> : null}
          <Select label="Action" data={[...WORD_LIST_ACTIONS]} value={action} error={errors.byField.action} onChange={(v) => v && setAction(v as WordListAction)} allowDeselect={false} />
          <Select label="Direction" data={[...WORD_LIST_DIRECTIONS]} value={direction} error={errors.byField.direction} onChange={(v) => v && setDirection(v as WordListDirection)} allowDeselect={false} />
          <FormError message={errors.general} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create word list
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
