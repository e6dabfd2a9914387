'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Paper, Select, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { put } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { DomainSelect } from '@/domains/DomainSelect';
import { FormError } from '@/ui/States';
import { servesMail, type ClusterNode } from './types';

/** Pins a domain (and its sub-domains without a pin) to a back-end: its logins are routed there at once. */
export function AssignDomainForm({ nodes }: { nodes: ClusterNode[] }) {
  const queryClient = useQueryClient();
  const [domain, setDomain] = useState<string | null>(null);
  const [node, setNode] = useState<string | null>(null);
  const assign = useMutation({
    mutationFn: () => put<{ domain: string; backendNode: string }>(`/domains/${encodeURIComponent(domain ?? '')}/backend`, { node: node ?? '' }),
    onSuccess: async (result) => {
      notifications.show({ message: `${result.domain} now runs on ${result.backendNode}`, color: 'teal' });
      setDomain(null);
      await queryClient.invalidateQueries({ queryKey: ['cluster'] });
    },
  });
  const errors = formErrors(assign.error, ['node']);
  return (
    <Paper withBorder p="md" component="section" aria-label="Assign a domain">
      <Title order={3} size="h4" mb="xs">
        Assign a domain to a node
      </Title>
      <Text size="sm" mb="sm">
        The domain&apos;s mailboxes are served by that node from now on; sub-domains without a node of their own follow it.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          assign.mutate();
        }}
      >
        <Group align="flex-end">
          <DomainSelect value={domain} onChange={setDomain} />
          <Select
            label="Node"
            data={nodes.filter(servesMail).map((n) => ({ value: n.id, label: `${n.id}${n.healthy ? '' : ' (unhealthy)'}` }))}
            value={node}
            onChange={setNode}
            error={errors.byField.node}
            w={260}
          />
          <Button type="submit" disabled={!domain || !node} loading={assign.isPending}>
            Assign
          </Button>
        </Group>
        <FormError message={errors.general} />
      </form>
    </Paper>
  );
}
