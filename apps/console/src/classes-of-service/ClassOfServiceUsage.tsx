'use client';
import { useQuery } from '@tanstack/react-query';
import { Skeleton, Text } from '@mantine/core';
import { get } from '@/api/client';
import { usageText, type ClassOfServiceImpact } from './types';

export const impactQuery = (name: string) => ({
  queryKey: ['classes-of-service', 'impact', name],
  queryFn: () => get<ClassOfServiceImpact>(`/classes-of-service/${encodeURIComponent(name)}/impact`),
});

/** "12 accounts in 2 domains": who holds the class, directly or through their domain, as far as the reader sees. */
export function ClassOfServiceUsage({ name }: { name: string }) {
  const impact = useQuery(impactQuery(name));
  if (impact.isLoading) return <Skeleton h={16} w={140} />;
  if (impact.error) return <Text size="sm">unknown</Text>;
  return (
    <Text size="sm" data-testid={`usage-${name}`}>
      {usageText(impact.data!)}
    </Text>
  );
}
