'use client';
import { useState, type ReactNode } from 'react';
import { Button, Fieldset, Group, MultiSelect, NumberInput, SimpleGrid, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { formErrors } from '@/forms/field-errors';
import { SERVICE_LABELS, SERVICE_NAMES, type ServiceName } from '@/domains/types';
import { FormError } from '@/ui/States';
import { useAttachableWordLists } from './useAttachableWordLists';
import { CLASS_OF_SERVICE_FIELDS, type ClassOfServiceInput } from './types';

type Limit = number | '';
const limit = (value: number | string): Limit => (typeof value === 'number' ? value : value === '' ? '' : Number(value));
// An emptied required limit goes out as null, so the API names the field ("must be a whole number").
const required = (value: Limit) => (value === '' ? (null as unknown as number) : value);

/**
 * The editor of a class of service, for a new class and an existing one. It only gathers the
 * values: the page decides what saving means (create, or confirm the impact and update).
 */
export function ClassOfServiceForm(props: {
  initial: ClassOfServiceInput;
  /** The lists attached now, named even before the attachable lists have loaded. */
  attached?: Array<{ id: number; name: string }>;
  ownerDomain: string | null;
  editable: boolean;
  error: unknown;
  busy: boolean;
  submitLabel: string;
  onSubmit: (values: ClassOfServiceInput) => void;
  children?: ReactNode;
}) {
  const { initial, editable } = props;
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description ?? '');
  const [services, setServices] = useState<Record<ServiceName, boolean>>(initial.services);
  const [maxMessageSizeKb, setMaxMessageSizeKb] = useState<Limit>(initial.maxMessageSizeKb);
  const [mailboxQuotaMb, setMailboxQuotaMb] = useState<Limit>(initial.mailboxQuotaMb);
  const [maxRecipients, setMaxRecipients] = useState<Limit>(initial.maxRecipients);
  const [sendingRatePerHour, setSendingRatePerHour] = useState<Limit>(initial.sendingRatePerHour ?? '');
  const [wordLists, setWordLists] = useState<string[]>(initial.wordLists.map(String));
  const attachable = useAttachableWordLists(props.ownerDomain);
  const errors = formErrors(props.error, CLASS_OF_SERVICE_FIELDS);
  const loaded = (attachable.data ?? []).map((list) => ({ value: String(list.id), label: list.scope === 'system' ? `${list.name} (system)` : `${list.name} (${list.domain})` }));
  const wordListOptions = [...loaded, ...(props.attached ?? []).filter((a) => !loaded.some((o) => o.value === String(a.id))).map((a) => ({ value: String(a.id), label: a.name }))];
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit({
          name: name.trim(),
          description: description.trim() || null,
          services,
          maxMessageSizeKb: required(maxMessageSizeKb),
          mailboxQuotaMb: required(mailboxQuotaMb),
          maxRecipients: required(maxRecipients),
          sendingRatePerHour: sendingRatePerHour === '' ? null : sendingRatePerHour,
          wordLists: wordLists.map(Number),
        });
      }}
    >
      <Stack>
        <FormError message={errors.general} />
        {props.children}
        <TextInput label="Name" required value={name} disabled={!editable} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} maw={400} />
        <Textarea label="Description" value={description} disabled={!editable} error={errors.byField.description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} maw={600} />
        <Fieldset legend="Allowed services">
          <Text size="sm" mb="sm">
            Off here turns the service off for every account holding this class, whatever its domain allows.
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            {SERVICE_NAMES.map((service) => (
              <Switch
                key={service}
                label={SERVICE_LABELS[service]}
                checked={services[service]}
                disabled={!editable}
                onChange={(e) => setServices({ ...services, [service]: e.currentTarget.checked })}
              />
            ))}
          </SimpleGrid>
          {errors.byField.services ? (
            <Text c="red.9" size="sm" mt="sm" role="alert">
              {errors.byField.services}
            </Text>
          ) : null}
        </Fieldset>
        <Fieldset legend="Limits">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label="Largest message (KB)" required min={1} allowDecimal={false} value={maxMessageSizeKb} disabled={!editable} error={errors.byField.maxMessageSizeKb} onChange={(v) => setMaxMessageSizeKb(limit(v))} />
            <NumberInput label="Mailbox quota (MB)" required min={1} allowDecimal={false} value={mailboxQuotaMb} disabled={!editable} error={errors.byField.mailboxQuotaMb} onChange={(v) => setMailboxQuotaMb(limit(v))} />
            <NumberInput label="Recipients per message" required min={1} allowDecimal={false} value={maxRecipients} disabled={!editable} error={errors.byField.maxRecipients} onChange={(v) => setMaxRecipients(limit(v))} />
            <NumberInput
              label="Sending rate (messages per hour)"
              description="Leave empty for no limit"
              min={1}
              allowDecimal={false}
              value={sendingRatePerHour}
              disabled={!editable}
              error={errors.byField.sendingRatePerHour}
              onChange={(v) => setSendingRatePerHour(limit(v))}
            />
          </SimpleGrid>
        </Fieldset>
        <MultiSelect
          label="Word lists"
          description="Messages of every account holding this class are checked against these lists"
          placeholder={wordLists.length ? undefined : 'None'}
          data={wordListOptions}
          value={wordLists}
          onChange={setWordLists}
          searchable
          disabled={!editable}
          error={errors.byField.wordLists}
          nothingFoundMessage={attachable.isLoading ? 'Loading...' : 'No word list to attach'}
          maw={600}
        />
        {editable ? (
          <Group justify="flex-end">
            <Button type="submit" loading={props.busy}>
              {props.submitLabel}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}
