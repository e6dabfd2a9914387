'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { QuotaBar } from '@/accounts/QuotaBar';
import { Loading, LoadError } from '@/ui/States';
import { myAccountKey, type MyAccount } from './types';

const SHORTCUTS = [
  { href: '/me/password', label: 'Change your password' },
  { href: '/me/word-list', label: 'Words and phrases to filter out' },
  { href: '/me/remote-pop', label: 'Collect mail from another mailbox' },
];

/** The owner's mailbox at a glance: address, storage used of its quota, where to go next. */
export function MailboxOverview({ address }: { address: string }) {
  const account = useQuery({ queryKey: myAccountKey(address), queryFn: () => get<MyAccount>(`/accounts/${encodeURIComponent(address)}`) });
  if (account.isLoading) return <Loading label="Loading your mailbox" />;
  if (account.error) return <LoadError error={account.error} what="Mailbox" />;
  const a = account.data!;
  return (
    <Stack>
      <Text>
        {a.displayName ? `${a.displayName}, ` : ''}
        {a.address}
      </Text>
      <Paper withBorder p="md" component="section" aria-labelledby="storage-title" maw={560}>
        <Title order={3} size="h4" id="storage-title" mb="sm">
          Storage
        </Title>
        <QuotaBar usedBytes={a.quota.usedBytes} limitBytes={a.quota.limitBytes} />
        {a.quota.usedBytes >= a.quota.limitBytes * 0.9 ? (
          <Text size="sm" mt="xs">
            Your mailbox is nearly full: delete old messages (and empty the trash) or new mail may be refused.
          </Text>
        ) : null}
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 3 }} maw={720}>
        {SHORTCUTS.map((shortcut) => (
          <Anchor key={shortcut.href} component={Link} href={shortcut.href}>
            {shortcut.label}
          </Anchor>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
