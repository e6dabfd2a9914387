'use client';
import { Divider, Stack, Text, Title } from '@mantine/core';
import { useSession } from '@/session/session';
import { RpopSourceForm } from '@/self-service/RpopSourceForm';
import { RpopSourceTable } from '@/self-service/RpopSourceTable';

export default function MyRemoteMailboxesPage() {
  const session = useSession();
  return (
    <Stack>
      <Title order={2}>Remote mailboxes</Title>
      <Text>Mail from these POP3 mailboxes elsewhere is collected into {session.me.name} regularly. After a failure the next try waits longer each time.</Text>
      <RpopSourceTable address={session.me.name} />
      <Divider />
      <RpopSourceForm address={session.me.name} />
    </Stack>
  );
}
