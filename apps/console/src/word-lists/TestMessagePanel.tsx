'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { Highlighted } from './Highlighted';
import { ACTION_LABEL, type WordListTestResult } from './types';

/** A dry run of the word lists on a message for one mailbox: what matched, which list, what would happen. */
export function TestMessagePanel() {
  const [account, setAccount] = useState('');
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const test = useMutation({ mutationFn: () => post<WordListTestResult>('/word-lists/test', { account, direction, subject, body }) });
  const errors = formErrors(test.error, ['account', 'direction', 'subject', 'body'], { raw: 'body' });
  const result = test.data;
  // What the result's offsets refer to: the text as it was when the test ran.
  const [tested, setTested] = useState({ subject: '', body: '' });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="test-panel-title">
      <Stack>
        <Title order={3} id="test-panel-title">
          Test a message
        </Title>
        <Group grow align="flex-start">
          <TextInput label="Mailbox" placeholder="student@school.k12.us" value={account} error={errors.byField.account} onChange={(e) => setAccount(e.currentTarget.value)} />
          <Select
            label="Direction"
            data={[
              { value: 'inbound', label: 'Received by the mailbox' },
              { value: 'outbound', label: 'Sent by the mailbox' },
            ]}
            value={direction}
            allowDeselect={false}
            onChange={(v) => v && setDirection(v as 'inbound' | 'outbound')}
          />
        </Group>
        <TextInput label="Subject" value={subject} error={errors.byField.subject} onChange={(e) => setSubject(e.currentTarget.value)} />
        <Textarea label="Message text" autosize minRows={3} value={body} error={errors.byField.body} onChange={(e) => setBody(e.currentTarget.value)} />
        <Group>
          <Button
            loading={test.isPending}
            onClick={() => {
              setTested({ subject, body });
              test.mutate();
            }}
          >
            Test the message
          </Button>
        </Group>
        <FormError message={errors.general} />
        {result ? (
          <Stack gap="xs" data-testid="test-result" aria-live="polite">
            <Text fw={700}>
              {result.action
                ? `${ACTION_LABEL[result.action]}: matched ${result.lists.map((l) => `"${l.name}" (${l.scope}, ${l.action})`).join(', ')}`
                : `No match: the message would be delivered. ${result.checked.length} ${result.checked.length === 1 ? 'list was' : 'lists were'} checked.`}
            </Text>
            {result.matches.length > 0 ? (
              <>
                <Text size="sm">
                  <strong>Subject:</strong>{' '}
                  <Highlighted text={tested.subject} matches={result.matches.filter((m) => m.where === 'subject')} />
                </Text>
                <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap' }} data-testid="highlighted-body">
                  <Highlighted text={tested.body} matches={result.matches.filter((m) => m.where === 'text')} />
                </Text>
                <ul aria-label="Matches">
                  {result.matches.map((m, i) => (
                    <li key={i}>
                      &quot;{m.matched}&quot; in the {m.where} matches {m.entry === null ? 'an entry' : <>entry &quot;{m.entry}&quot;</>} of {m.listName} ({m.action})
                    </li>
                  ))}
                </ul>
                {result.truncated ? <Text size="sm">More matches were found than are listed.</Text> : null}
              </>
            ) : null}
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}
