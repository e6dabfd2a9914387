'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { post } from '@/api/client';
import { servesMail, type ClusterNode, type FailoverResult } from './types';

const domainsText = (count: number) => `${count} ${count === 1 ? 'domain' : 'domains'}`;

/** Moves every domain of `from` to a stand-by sharing its storage; says how many move before it does. */
export function FailoverModal({ from, nodes, onClose }: { from: ClusterNode | null; nodes: ClusterNode[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [to, setTo] = useState<string | null>(null);
  const targets = nodes.filter((n) => n.id !== from?.id && servesMail(n));
  const failover = useMutation({
    mutationFn: () => post<FailoverResult>('/cluster/failover', { from: from!.id, to }),
    onSuccess: async (result) => {
      notifications.show({ message: `${domainsText(result.domains.length)} moved from ${result.from} to ${result.to}`, color: 'teal' });
      close();
      await queryClient.invalidateQueries({ queryKey: ['cluster'] });
    },
  });
  const close = () => {
    setTo(null);
    failover.reset();
    onClose();
  };
  const count = from?.domains.length ?? 0;
  return (
    <Modal opened={from !== null} onClose={close} title={`Fail over ${from?.id ?? ''}`}>
      <Stack>
        <Select
          label="Move its domains to"
          data={targets.map((n) => ({ value: n.id, label: `${n.id}${n.healthy ? '' : ' (unhealthy)'}` }))}
          value={to}
          onChange={setTo}
          nothingFoundMessage="No other node runs the mail engine"
        />
        <Text data-testid="failover-summary">
          {to
            ? `${domainsText(count)} ${count === 1 ? 'moves' : 'move'} from ${from?.id} to ${to}${count ? `: ${from!.domains.join(', ')}` : ''}. Messages it was delivering are handed to the live nodes.`
            : `${domainsText(count)} are pinned to ${from?.id ?? ''}. Choose where they go.`}
        </Text>
        {failover.error ? (
          <Alert color="red" role="alert">
            {failover.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red.9" disabled={!to} loading={failover.isPending} onClick={() => failover.mutate()}>
            {`Move ${domainsText(count)}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
