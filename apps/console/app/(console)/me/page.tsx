'use client';
import { Stack, Title } from '@mantine/core';
import { useSession } from '@/session/session';
import { MailboxOverview } from '@/self-service/MailboxOverview';

export default function MyMailboxPage() {
  const session = useSession();
  return (
    <Stack>
      <Title order={2}>My mailbox</Title>
      <MailboxOverview address={session.me.name} />
    </Stack>
  );
}
