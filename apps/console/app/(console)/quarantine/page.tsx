'use client';
import { Suspense, useEffect, useState } from 'react';
import Link from 'next/link';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { get, post, type Page } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { Empty, LoadingRows } from '@/ui/States';
import { decisionText } from '@/quarantine/decision';
import type { QuarantineEntry, QuarantineState } from '@/quarantine/types';
import { WideTable } from '@/ui/WideTable';

function Quarantine() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [state, setState] = useState<QuarantineState | null>('pending');
  const [recipientInput, setRecipientInput] = useState('');
  const [senderInput, setSenderInput] = useState('');
  const [recipient] = useDebouncedValue(recipientInput.trim(), 300);
  const [sender] = useDebouncedValue(senderInput.trim(), 300);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<'release' | 'delete' | null>(null);
  useEffect(() => {
    setCursors([undefined]);
    setSelected(new Set());
  }, [state, recipient, sender]);

  const cursor = cursors[cursors.length - 1];
  const entries = useQuery({
    queryKey: ['quarantine', 'list', { state, recipient, sender, cursor }],
    queryFn: () => get<Page<QuarantineEntry>>('/quarantine', { state, recipient, sender, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const act = useMutation({
    mutationFn: (action: 'release' | 'delete') => post<{ affected: number }>('/quarantine/actions', { action, ids: [...selected] }),
    onSuccess: (result, action) => {
      notifications.show({ color: 'teal.9', message: `${action === 'release' ? 'Released' : 'Deleted'}: ${result.affected} ${result.affected === 1 ? 'message' : 'messages'}` });
      setConfirming(null);
      setSelected(new Set());
      return queryClient.invalidateQueries({ queryKey: ['quarantine'] });
    },
  });
  const errors = formErrors(entries.error, ['recipient', 'sender', 'state']);
  const items = entries.data?.items ?? [];
  const pending = items.filter((e) => e.state === 'pending');
  const allSelected = pending.length > 0 && pending.every((e) => selected.has(e.id));
  const count = selected.size;
  const noun = count === 1 ? 'message' : 'messages';

  return (
    <Stack>
      <Title order={2}>Quarantine</Title>
      <Text>Messages held back because they matched a word list. Release delivers one to its mailbox; delete drops it for good.</Text>
      <Group align="flex-end">
        <Select
          label="State"
          clearable
          placeholder="Any"
          data={[
            { value: 'pending', label: 'Waiting for review' },
            { value: 'released', label: 'Released' },
            { value: 'deleted', label: 'Deleted' },
          ]}
          value={state}
          error={errors.byField.state}
          onChange={(v) => setState(v as QuarantineState | null)}
        />
        <TextInput label="Recipient" value={recipientInput} error={errors.byField.recipient} onChange={(e) => setRecipientInput(e.currentTarget.value)} />
        <TextInput label="Sender" value={senderInput} error={errors.byField.sender} onChange={(e) => setSenderInput(e.currentTarget.value)} />
      </Group>
      <Group gap="xs">
        {session.can('update', 'QuarantineEntry') ? (
          <Button size="xs" variant="default" disabled={count === 0} onClick={() => setConfirming('release')}>
            Release selected ({count})
          </Button>
        ) : null}
        {session.can('delete', 'QuarantineEntry') ? (
          <Button size="xs" variant="default" disabled={count === 0} onClick={() => setConfirming('delete')}>
            Delete selected ({count})
          </Button>
        ) : null}
      </Group>
      {entries.error && errors.general ? (
        <Alert color="red" role="alert">
          {errors.general}
        </Alert>
      ) : null}
      <WideTable label="Quarantined messages" highlightOnHover busy={entries.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <Checkbox aria-label="Select every waiting message on this page" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(pending.map((e) => e.id)))} />
            </Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Matched</Table.Th>
            <Table.Th>Received</Table.Th>
            <Table.Th>Decision</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.isLoading
            ? <LoadingRows rows={4} columns={7} />
            : items.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>
                    {entry.state === 'pending' ? (
                      <Checkbox
                        aria-label={`Select "${entry.subject ?? 'no subject'}" to ${entry.recipient}`}
                        checked={selected.has(entry.id)}
                        onChange={() => {
                          const next = new Set(selected);
                          if (!next.delete(entry.id)) next.add(entry.id);
                          setSelected(next);
                        }}
                      />
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} href={`/quarantine/view?id=${entry.id}`}>
                      {entry.subject || '(no subject)'}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{entry.sender || '<>'}</Table.Td>
                  <Table.Td>{entry.recipient}</Table.Td>
                  <Table.Td>{(entry.matches ?? []).map((m) => `"${m.entry}" (${m.list})`).join(', ')}</Table.Td>
                  <Table.Td>{new Date(entry.receivedAt).toLocaleString()}</Table.Td>
                  <Table.Td data-testid="quarantine-decision">{decisionText(entry)}</Table.Td>
                </Table.Tr>
              ))}
        </Table.Tbody>
      </WideTable>
      {entries.data && items.length === 0 ? <Empty>{state === 'pending' ? 'Nothing is waiting for review.' : 'No quarantined message matches.'}</Empty> : null}
      <Group justify="flex-end">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Button variant="default" disabled={!entries.data?.nextCursor} onClick={() => setCursors([...cursors, entries.data!.nextCursor!])}>
          Next page
        </Button>
      </Group>
      <ConfirmModal
        opened={confirming !== null}
        title={confirming === 'release' ? `Release ${count} ${noun}?` : `Delete ${count} ${noun}?`}
        confirmLabel={confirming === 'release' ? `Release ${count} ${noun}` : `Delete ${count} ${noun}`}
        busy={act.isPending}
        error={act.error?.message}
        onConfirm={() => confirming && act.mutate(confirming)}
        onClose={() => setConfirming(null)}
      >
        {confirming === 'release' ? `The ${noun} will be delivered to the recipients' inboxes.` : `The ${noun} will never be delivered and cannot be recovered.`}
      </ConfirmModal>
    </Stack>
  );
}

export default function QuarantinePage() {
  return (
    <Suspense>
      <Quarantine />
    </Suspense>
  );
}
