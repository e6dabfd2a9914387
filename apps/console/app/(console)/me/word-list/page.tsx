'use client';
import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '@/session/session';
import { MyWordLists } from '@/self-service/MyWordLists';

export default function MyWordListPage() {
  const session = useSession();
  return (
    <Stack>
      <Title order={2}>My word list</Title>
      <Text>Words and phrases you do not want in your mail. Matching ignores case; the action says what happens to a message that contains one.</Text>
      <MyWordLists address={session.me.name} />
    </Stack>
  );
}
