'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { ConfirmModal } from '@/ui/ConfirmModal';
import { useSession } from '@/session/session';
import { countMatching } from './countMatching';
import { filterForAction, type QueueFilter } from './filters';
import type { QueueAction } from './types';

interface Pending {
  action: QueueAction;
  target: { ids: string[] } | { filter: QueueFilter };
  count: number;
  atLeast: boolean;
}

const VERB: Record<QueueAction, string> = { delete: 'Delete', reschedule: 'Reschedule', bounce: 'Bounce' };
const EXPLAIN: Record<QueueAction, string> = {
  delete: 'They are removed from the queue and never delivered; the senders are not told.',
  reschedule: 'They are tried again now.',
  bounce: 'They are given up on and each sender gets a non-delivery report.',
};

/** Delete / reschedule / bounce the selected entries, or every entry the filter matches. */
export function QueueActions({ selected, filter, onDone }: { selected: string[]; filter: QueueFilter; onDone: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending | null>(null);
  const [counting, setCounting] = useState<QueueAction | null>(null);
  const [countError, setCountError] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (p: Pending) =>
      post<{ affected: number; notFound?: string[] }>('/queue/actions', { action: p.action, ...('ids' in p.target ? { ids: p.target.ids } : { filter: filterForAction(p.target.filter) }) }),
    onSuccess: (result, p) => {
      // Entries delivered or removed since the list was shown are no longer there to act on.
      const gone = result.notFound?.length ? ` (${result.notFound.length} no longer in the queue)` : '';
      notifications.show({ color: 'teal.9', message: `${VERB[p.action]}: ${result.affected} ${result.affected === 1 ? 'entry' : 'entries'} affected${gone}` });
      setPending(null);
      onDone();
      return queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  if (!session.can('update', 'QueueEntry')) return null;
  const canDelete = session.can('delete', 'QueueEntry');
  const actions: QueueAction[] = canDelete ? ['reschedule', 'bounce', 'delete'] : ['reschedule', 'bounce'];

  const onSelection = (action: QueueAction) => {
    act.reset();
    setPending({ action, target: { ids: selected }, count: selected.length, atLeast: false });
  };
  const onAllMatching = async (action: QueueAction) => {
    act.reset();
    setCounting(action);
    setCountError(null);
    try {
      const { count, atLeast } = await countMatching(filter);
      setPending({ action, target: { filter }, count, atLeast });
    } catch (error) {
      setCountError(error instanceof Error ? error.message : String(error));
    } finally {
      setCounting(null);
    }
  };
  const errors = formErrors(act.error, []);
  const what = pending ? `${pending.atLeast ? 'at least ' : ''}${pending.count} ${pending.count === 1 ? 'entry' : 'entries'}` : '';

  return (
    <>
      <Group gap="xs" aria-label="Actions on the selection" role="group">
        <Text size="sm" fw={600}>
          Selected ({selected.length}):
        </Text>
        {actions.map((action) => (
          <Button key={action} size="xs" variant="default" disabled={selected.length === 0} onClick={() => onSelection(action)}>
            {VERB[action]} selected
          </Button>
        ))}
      </Group>
      <Group gap="xs" aria-label="Actions on all that match the filter" role="group">
        <Text size="sm" fw={600}>
          All that match the filter:
        </Text>
        {actions.map((action) => (
          <Button key={action} size="xs" variant="default" loading={counting === action} onClick={() => void onAllMatching(action)}>
            {VERB[action]} all matching
          </Button>
        ))}
      </Group>
      {countError ? (
        <Alert color="red" role="alert">
          {countError}
        </Alert>
      ) : null}
      <ConfirmModal
        opened={pending !== null}
        title={pending ? `${VERB[pending.action]} ${what}?` : ''}
        confirmLabel={pending ? `${VERB[pending.action]} ${what}` : ''}
        busy={act.isPending}
        error={errors.general}
        onConfirm={() => pending && act.mutate(pending)}
        onClose={() => setPending(null)}
      >
        {pending ? (pending.count === 0 ? 'No entry matches: nothing will change.' : `${VERB[pending.action]} ${what}. ${EXPLAIN[pending.action]}`) : null}
      </ConfirmModal>
    </>
  );
}
