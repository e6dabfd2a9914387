'use client';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, CloseButton, Group, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { patch, post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { Empty, FormError } from '@/ui/States';
import { linesOf, type WordList } from './types';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/** The entries of one list: add one, remove one, paste many (merged), export as a text file. */
export function WordListEntries({ list, editable }: { list: WordList; editable: boolean }) {
  const queryClient = useQueryClient();
  const [entry, setEntry] = useState('');
  const [pasted, setPasted] = useState('');
  const [filter, setFilter] = useState('');
  const key = ['word-lists', 'one', String(list.id)];
  const onSaved = (saved: WordList) => {
    queryClient.setQueryData(key, saved);
    return queryClient.invalidateQueries({ queryKey: ['word-lists'] });
  };
  const change = useMutation({
    mutationFn: (body: { addEntries?: string[]; removeEntries?: string[] }) => patch<WordList>(`/word-lists/${list.id}`, body, list.version),
    onSuccess: (saved) => {
      setEntry('');
      return onSaved(saved);
    },
  });
  const importText = useMutation({
    mutationFn: () => post<WordList>(`/word-lists/${list.id}/import`, { text: pasted }),
    onSuccess: () => {
      setPasted('');
      return queryClient.invalidateQueries({ queryKey: ['word-lists'] });
    },
  });
  const errors = formErrors(change.error, ['addEntries', 'removeEntries']);
  const importErrors = formErrors(importText.error, ['text']);
  const entries = (list.entries ?? []).filter((e) => e.toLowerCase().includes(filter.trim().toLowerCase()));
  const pastedCount = linesOf(pasted).length;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Entries ({list.entryCount})</Title>
        <Button variant="default" onClick={() => download(`${list.name}.txt`, (list.entries ?? []).join('\n') + '\n')}>
          Export as text
        </Button>
      </Group>
      {editable ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (entry.trim()) change.mutate({ addEntries: [entry.trim()] });
          }}
        >
          <Group align="flex-start">
            <TextInput label="New entry" description="A word or phrase; matching ignores case" value={entry} error={errors.byField.addEntries} onChange={(e) => setEntry(e.currentTarget.value)} w={360} />
            <Button type="submit" mt={45} loading={change.isPending && Boolean(change.variables?.addEntries)}>
              Add entry
            </Button>
          </Group>
        </form>
      ) : null}
      <FormError message={errors.general} />
      <TextInput label="Find an entry" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={360} />
      {list.entryCount === 0 ? (
        <Empty>This list has no entries yet.</Empty>
      ) : (
        <Table striped aria-label="Entries">
          <Table.Tbody>
            {entries.map((text) => (
              <Table.Tr key={text}>
                <Table.Td>{text}</Table.Td>
                {editable ? (
                  <Table.Td w={60}>
                    <CloseButton aria-label={`Remove ${text}`} disabled={change.isPending} onClick={() => change.mutate({ removeEntries: [text] })} />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editable ? (
        <Stack gap="xs">
          <Title order={3}>Paste or import many</Title>
          <Textarea
            label="Entries, one per line"
            description="They are added to the list; entries already in it stay."
            autosize
            minRows={4}
            maxRows={12}
            value={pasted}
            error={importErrors.byField.text}
            onChange={(e) => setPasted(e.currentTarget.value)}
          />
          <Group>
            <Button disabled={pastedCount === 0} loading={importText.isPending} onClick={() => importText.mutate()}>
              Add {pastedCount} {pastedCount === 1 ? 'entry' : 'entries'}
            </Button>
            <Button
              variant="default"
              component="label"
              htmlFor="word-list-file"
            >
              Read a text file
            </Button>
            <input
              id="word-list-file"
              type="file"
              accept=".txt,text/plain"
              hidden
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                if (file) setPasted(await file.text());
              }}
            />
          </Group>
          {importErrors.general ? (
            <Alert color="red" role="alert">
              {importErrors.general}
            </Alert>
          ) : null}
          {importText.isSuccess ? <Text role="status">The entries were added.</Text> : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
