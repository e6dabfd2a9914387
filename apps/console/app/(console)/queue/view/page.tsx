'use client';
import { Suspense } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Code, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { get } from '@/api/client';
import { Loading, LoadError } from '@/ui/States';
import { formatBytes, formatTime } from '@/queue/format';
import type { QueueEntryDetail } from '@/queue/types';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text style={{ overflowWrap: 'anywhere' }}>{children}</Text>
    </div>
  );
}

function QueueEntryView() {
  const id = useSearchParams().get('id') ?? '';
  const entry = useQuery({ queryKey: ['queue', 'entry', id], queryFn: () => get<QueueEntryDetail>(`/queue/${encodeURIComponent(id)}`) });
  if (entry.isLoading) return <Loading label="Loading the queue entry" />;
  if (entry.error) return <LoadError error={entry.error} what="Queue entry" />;
  const e = entry.data!;
  return (
    <Stack>
      <Anchor component={Link} href="/queue">
        Back to the queue
      </Anchor>
      <Title order={2}>Queue entry {e.id}</Title>
      <Title order={3}>Envelope</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Field label="Sender">{e.sender || '<> (a bounce)'}</Field>
        <Field label="Recipient">{e.recipient}</Field>
        <Field label="Remote domain">
          <Anchor component={Link} href={`/queue?remoteDomain=${encodeURIComponent(e.remoteDomain)}`}>
            {e.remoteDomain}
          </Anchor>
        </Field>
        <Field label="Size">{formatBytes(e.size)}</Field>
        <Field label="Queue id">{e.queueId}</Field>
        <Field label="Submitted by">{[e.message.authUser, e.message.clientIp].filter(Boolean).join(' from ') || '—'}</Field>
      </SimpleGrid>
      <Title order={3}>Attempts</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Field label="State">{e.bouncing ? 'bouncing' : e.state}</Field>
        <Field label="Attempts">{e.attempts}</Field>
        <Field label="Queued at">{formatTime(e.createdAt)}</Field>
        <Field label="Last attempt">{formatTime(e.lastAttemptAt)}</Field>
        <Field label="Next attempt">{formatTime(e.nextAttemptAt)}</Field>
        <Field label="Gives up at">{formatTime(e.expiresAt)}</Field>
      </SimpleGrid>
      <Title order={3}>Last error</Title>
      <Paper withBorder p="sm">
        <Text data-testid="last-error">{e.lastError ?? 'No error: the message has not failed yet.'}</Text>
      </Paper>
      <Title order={3}>Headers</Title>
      {e.message.headers ? (
        <Code block aria-label="Message headers" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {e.message.headers}
        </Code>
      ) : (
        <Text>The message&apos;s headers cannot be read.</Text>
      )}
    </Stack>
  );
}

export default function QueueEntryPage() {
  return (
    <Suspense>
      <QueueEntryView />
    </Suspense>
  );
}
