'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, TextInput } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { defaultGrant, GrantPicker, grantBody, type Grant } from '@/admins/GrantPicker';
import type { CreatedApiKey } from './types';

const FIELDS = ['name', 'role', 'permissionSet', 'domain'] as const;

/** Issues a key; its secret is shown once, here, with a copy button. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [grant, setGrant] = useState<Grant>(defaultGrant(session.homeDomain));
  const create = useMutation({
    mutationFn: () => post<CreatedApiKey>('/api-keys', { name, ...grantBody(grant) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const errors = formErrors(create.error, FIELDS);
  const close = () => {
    create.reset();
    setName('');
    onClose();
  };
  const created = create.data;
  return (
    <Modal opened={opened} onClose={close} title={created ? 'API key created' : 'New API key'} size="lg">
      {created ? (
        <Stack>
          <Alert color="yellow" title="Copy the secret now">
            It is shown only this once; the server keeps only a hash of it.
          </Alert>
          <Code block data-testid="api-key-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
            {created.secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.secret}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy the secret'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack>
            <TextInput label="Key name" description="What uses it, e.g. the district's CMS" value={name} error={errors.byField.name} onChange={(e) => setName(e.currentTarget.value)} />
            <GrantPicker value={grant} onChange={setGrant} errors={errors.byField} />
            {errors.byField.domain ? (
              <Alert color="red" role="alert">
                Domain: {errors.byField.domain}
              </Alert>
            ) : null}
            <FormError message={errors.general} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create API key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
