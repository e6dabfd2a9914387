'use client';
import { useEffect, useState } from 'react';
import { Button, Group, NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core';
import { QUEUE_STATES } from './types';
import type { FilterField, QueueFilter } from './filters';

const AGE_HINT = 'A duration (30m, 2h, 3d, 1w) or a date (2026-11-01)';

/** The filter form: edits a draft, and applies it (to the URL) only when asked. */
export function QueueFilters({ value, errors, onApply }: { value: QueueFilter; errors: Record<string, string>; onApply: (filter: QueueFilter) => void }) {
  const [draft, setDraft] = useState<QueueFilter>(value);
  useEffect(() => setDraft(value), [value]);
  const text = (field: FilterField, label: string, placeholder?: string, description?: string) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      description={description}
      value={draft[field] ?? ''}
      error={errors[field]}
      onChange={(e) => setDraft({ ...draft, [field]: e.currentTarget.value })}
    />
  );
  const number = (field: FilterField, label: string) => (
    <NumberInput
      label={label}
      min={0}
      allowDecimal={false}
      value={draft[field] ?? ''}
      error={errors[field]}
      onChange={(n) => setDraft({ ...draft, [field]: n === '' ? undefined : String(n) })}
    />
  );
  return (
    <form
      aria-label="Queue filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        {text('sender', 'Sender', 'name@school.k12.us')}
        {text('recipient', 'Recipient', 'someone@example.com')}
        {text('remoteDomain', 'Remote domain', 'example.com')}
        <Select
          label="State"
          placeholder="Any"
          clearable
          data={[...QUEUE_STATES]}
          value={draft.state ?? null}
          error={errors.state}
          onChange={(state) => setDraft({ ...draft, state: state ?? undefined })}
        />
        {number('minAttempts', 'Attempts at least')}
        {number('maxAttempts', 'Attempts at most')}
        {number('minSize', 'Size at least (bytes)')}
        {number('maxSize', 'Size at most (bytes)')}
        {text('olderThan', 'Older than', '2h', AGE_HINT)}
        {text('newerThan', 'Newer than', '1d', AGE_HINT)}
      </SimpleGrid>
      <Group mt="sm">
        <Button type="submit">Apply filters</Button>
        <Button variant="default" onClick={() => onApply({})}>
          Clear filters
        </Button>
      </Group>
    </form>
  );
}
