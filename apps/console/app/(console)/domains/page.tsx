'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useSession } from '@/session/session';
import { DomainTree } from '@/domains/DomainTree';
import { CreateDomainModal } from '@/domains/CreateDomainModal';
import { useDomainTree, type DomainNode } from '@/domains/useDomainTree';
import { Empty, Loading, LoadError } from '@/ui/States';

function names(nodes: DomainNode[]): string[] {
  return nodes.flatMap((node) => [node.domain.name, ...names(node.children)]);
}

export default function DomainsPage() {
  const session = useSession();
  const router = useRouter();
  const tree = useDomainTree();
  const [creating, setCreating] = useState(false);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Domains</Title>
        {session.can('create', 'Domain') ? <Button onClick={() => setCreating(true)}>New domain</Button> : null}
      </Group>
      <Paper withBorder p="md">
        {tree.isLoading ? <Loading label="Loading domains" /> : null}
        {tree.error ? <LoadError error={tree.error} what="Domains" /> : null}
        {tree.data && tree.data.count === 0 ? <Empty>No domains yet.</Empty> : null}
        {tree.data && tree.data.count > 0 ? (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {tree.data.count} domain{tree.data.count === 1 ? '' : 's'}
            </Text>
            <DomainTree nodes={tree.data.roots} />
          </>
        ) : null}
      </Paper>
      <CreateDomainModal
        opened={creating}
        parents={tree.data ? names(tree.data.roots) : []}
        defaultParent={session.homeDomain}
        onClose={() => setCreating(false)}
        onCreated={(domain) => router.push(`/domains/view?name=${encodeURIComponent(domain.name)}`)}
      />
    </Stack>
  );
}
