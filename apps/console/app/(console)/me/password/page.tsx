'use client';
import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '@/session/session';
import { ChangePasswordForm } from '@/self-service/ChangePasswordForm';
import { PasswordPolicyRules } from '@/self-service/PasswordPolicyRules';

export default function MyPasswordPage() {
  const session = useSession();
  return (
    <Stack>
      <Title order={2}>Change your password</Title>
      <Text>The password of {session.me.name}, for this console and for your mail apps (IMAP, POP3, sending mail).</Text>
      <PasswordPolicyRules />
      <ChangePasswordForm address={session.me.name} />
    </Stack>
  );
}
