'use client';
import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Box, Button, Center, Image, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError, post } from '@/api/client';
import { brandingDomainFromLocation, useBranding } from '@/branding/branding';
import { rememberSignedIn } from '@/session/session';
import { useSetBrandColor } from '../providers';

/** Only paths of this console: an open redirect must not come in through ?next=. */
function safeNext(next: string | null) {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function SignIn() {
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [domain, setDomain] = useState<string | null | undefined>(undefined);
  useEffect(() => setDomain(brandingDomainFromLocation(params)), [params]);
  const branding = useBranding(domain === undefined ? undefined : domain);
  const setBrandColor = useSetBrandColor();
  useEffect(() => setBrandColor(branding.data?.primaryColor ?? null), [branding.data?.primaryColor, setBrandColor]);

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await post('/auth/login', { username, password });
      rememberSignedIn(true);
      // Nothing cached for the previous person may show to this one.
      queryClient.clear();
      router.replace(safeNext(params.get('next')));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429) {
        setError(`Too many attempts, try again in ${failure.retryAfterSeconds ?? 60} seconds.`);
      } else if (failure instanceof ApiError && failure.status === 400) {
        setFieldErrors({ username: failure.fieldMessage('username') ?? '', password: failure.fieldMessage('password') ?? '' });
      } else if (failure instanceof ApiError && failure.status === 403) {
        // Only a mailbox owner whose webmail is off is refused after a correct password.
        setError(`Webmail and self-service are turned off for your account. ${failure.message}.`);
      } else if (failure instanceof ApiError && failure.status === 401) {
        setError(failure.message === 'wrong username or password' ? 'Wrong username or password.' : failure.message);
      } else {
        setError(failure instanceof Error ? failure.message : String(failure));
      }
    } finally {
      setBusy(false);
    }
  };

  const productName = branding.data?.productName ?? 'Schoolmail';
  const primary = branding.data?.primaryColor ?? undefined;
  return (
    <Box component="main" mih="100vh" style={{ background: branding.data?.accentColor ?? 'var(--mantine-color-gray-1)' }}>
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="md" p="xl" radius="md" w={400} maw="100%" style={{ borderTop: `6px solid ${primary ?? 'var(--mantine-color-brand-6)'}` }}>
          <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
            <Stack>
              {branding.data?.logoUrl ? <Image src={branding.data.logoUrl} alt={`${productName} logo`} h={64} w="auto" fit="contain" data-testid="brand-logo" /> : null}
              <Title order={1} size="h2" id="sign-in-title" data-testid="brand-name">
                {productName}
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to manage your district&apos;s mail.
              </Text>
              {params.get('expired') ? (
                <Alert color="yellow" role="status" title="Signed out">
                  Your session expired, please sign in again.
                </Alert>
              ) : null}
              {error ? (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              ) : null}
              <TextInput
                label="Username or email address"
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={fieldErrors.username || undefined}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={fieldErrors.password || undefined}
              />
              <Button type="submit" loading={busy} fullWidth>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignIn />
    </Suspense>
  );
}
