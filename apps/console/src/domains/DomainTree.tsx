'use client';
import { StatusBadge } from '@/ui/StatusBadge';
import Link from 'next/link';
import { Anchor, Group, Text } from '@mantine/core';
import type { DomainNode } from './useDomainTree';

/** Nested lists of links: screen readers announce the levels, the keyboard tabs through them. */
export function DomainTree({ nodes, level = 0 }: { nodes: DomainNode[]; level?: number }) {
  return (
    <ul style={{ listStyle: 'none', paddingLeft: level === 0 ? 0 : 24, margin: 0 }} aria-label={level === 0 ? 'Domains' : undefined}>
      {nodes.map((node) => (
        <li key={node.domain.name} style={{ padding: '4px 0' }}>
          <Group gap="xs">
            <Anchor component={Link} href={`/domains/view?name=${encodeURIComponent(node.domain.name)}`}>
              {node.domain.name}
            </Anchor>
            {node.domain.status === 'suspended' ? (
              <StatusBadge ok={false} size="sm">
                suspended
              </StatusBadge>
            ) : null}
            {node.domain.classOfService ? (
              <Text size="xs" c="dimmed">
                {node.domain.classOfService}
              </Text>
            ) : null}
          </Group>
          {node.children.length > 0 ? <DomainTree nodes={node.children} level={level + 1} /> : null}
        </li>
      ))}
    </ul>
  );
}
