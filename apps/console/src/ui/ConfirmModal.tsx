'use client';
import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';

/**
 * A destructive action asks first. With `typeToConfirm` the person types the name of what
 * goes away, so a slip of the mouse cannot delete a mailbox.
 */
export function ConfirmModal(props: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  const ready = !props.typeToConfirm || typed.trim().toLowerCase() === props.typeToConfirm.toLowerCase();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      <Stack>
        <Text>{props.children}</Text>
        {props.typeToConfirm ? <TextInput label={`Type ${props.typeToConfirm} to confirm`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} /> : null}
        {props.error ? (
          <Alert color="red" role="alert">
            {props.error}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button color="red.9" disabled={!ready} loading={props.busy} onClick={props.onConfirm}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
