'use client';
import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Select, TextInput } from '@mantine/core';
import { patch } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { WORD_LIST_ACTIONS, WORD_LIST_DIRECTIONS, type WordList, type WordListAction, type WordListDirection } from './types';

/** Name, action and direction of one list, saved with the version read (409 if someone else changed it). */
export function WordListSettings({ list, editable }: { list: WordList; editable: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(list.name);
  const [action, setAction] = useState<WordListAction>(list.action);
  const [direction, setDirection] = useState<WordListDirection>(list.direction);
  useEffect(() => {
    setName(list.name);
    setAction(list.action);
    setDirection(list.direction);
  }, [list]);
  const save = useMutation({
    mutationFn: () => patch<WordList>(`/word-lists/${list.id}`, { name, action, direction }, list.version),
    onSuccess: (saved) => queryClient.setQueryData(['word-lists', 'one', String(list.id)], saved),
  });
  const errors = formErrors(save.error, ['name', 'action', 'direction']);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Group align="flex-start">
        <TextInput label="List name" value={name} disabled={!editable} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label="Action" data={[...WORD_LIST_ACTIONS]} value={action} disabled={!editable} error={errors.byField.action} allowDeselect={false} onChange={(v) => v && setAction(v as WordListAction)} />
        <Select label="Direction" data={[...WORD_LIST_DIRECTIONS]} value={direction} disabled={!editable} error={errors.byField.direction} allowDeselect={false} onChange={(v) => v && setDirection(v as WordListDirection)} />
        {editable ? (
          <Button type="submit" mt={24} loading={save.isPending}>
            Save settings
          </Button>
        ) : null}
      </Group>
      {errors.general ? (
        <Alert color="red" role="alert" mt="sm">
          {errors.general}
        </Alert>
      ) : null}
    </form>
  );
}
