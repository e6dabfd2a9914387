'use client';
import { useQuery } from '@tanstack/react-query';
import { List, Paper, Skeleton, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import type { PasswordPolicy } from './types';

export const usePasswordPolicy = () => useQuery({ queryKey: ['password-policy'], queryFn: () => get<PasswordPolicy>('/password-policy'), staleTime: Infinity });

/** The rules the API applies, shown before the person types (the same text the API publishes). */
export function PasswordPolicyRules() {
  const policy = usePasswordPolicy();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="password-rules-title" maw={560}>
      <Title order={3} size="h4" id="password-rules-title" mb="xs">
        A new password must be
      </Title>
      {policy.isLoading ? <Skeleton h={60} /> : null}
      {policy.error ? <Text role="alert">The password rules could not be loaded: {policy.error.message}</Text> : null}
      {policy.data ? (
        <List spacing={4} data-testid="password-rules">
          {policy.data.rules.map((rule) => (
            <List.Item key={rule.id}>{rule.text}</List.Item>
          ))}
        </List>
      ) : null}
    </Paper>
  );
}
