'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { post } from '@/api/client';
import { useSession } from '@/session/session';
import { ConfirmModal } from '@/ui/ConfirmModal';
import type { QuarantineEntry } from './types';

/** Release (deliver to the INBOX) or delete one pending entry. */
export function DecisionButtons({ entry }: { entry: QuarantineEntry }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const decide = useMutation({
    mutationFn: (action: 'release' | 'delete') => post<QuarantineEntry>(`/quarantine/${entry.id}/${action}`),
    onSuccess: (decided) => {
      setConfirmDelete(false);
      notifications.show({ color: 'teal.9', message: decided.state === 'released' ? `Released to ${decided.recipient}` : 'Deleted' });
      return queryClient.invalidateQueries({ queryKey: ['quarantine'] });
    },
  });
  if (entry.state !== 'pending') return null;
  return (
    <>
      <Group>
        {session.can('update', 'QuarantineEntry') ? (
          <Button loading={decide.isPending && decide.variables === 'release'} onClick={() => decide.mutate('release')}>
            Release to the mailbox
          </Button>
        ) : null}
        {session.can('delete', 'QuarantineEntry') ? (
          <Button color="red.9" variant="outline" onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        ) : null}
      </Group>
      {decide.error && !confirmDelete ? (
        <Alert color="red" role="alert">
          {decide.error.message}
        </Alert>
      ) : null}
      <ConfirmModal
        opened={confirmDelete}
        title="Delete 1 quarantined message?"
        confirmLabel="Delete the message"
        busy={decide.isPending}
        error={decide.error?.message}
        onConfirm={() => decide.mutate('delete')}
        onClose={() => setConfirmDelete(false)}
      >
        {`The message from ${entry.sender || '<>'} to ${entry.recipient} is never delivered and cannot be recovered.`}
      </ConfirmModal>
    </>
  );
}
