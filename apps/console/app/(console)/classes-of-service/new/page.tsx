'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Anchor, Select, Stack, Text, Title } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { ClassOfServiceForm } from '@/classes-of-service/ClassOfServiceForm';
import { CLASS_OF_SERVICE_FIELDS, NEW_CLASS_OF_SERVICE, type ClassOfService, type ClassOfServiceInput } from '@/classes-of-service/types';

/** A new class: staff choose platform-wide or a district's own; a district admin's class belongs to a domain it manages. */
export default function NewClassOfServicePage() {
  const session = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const staff = session.homeDomain === null;
  const [owner, setOwner] = useState<'platform' | 'domain'>(staff ? 'platform' : 'domain');
  const [domain, setDomain] = useState<string | null>(session.homeDomain);
  const ownerDomain = owner === 'domain' ? domain : null;
  const create = useMutation({
    mutationFn: (values: ClassOfServiceInput) => post<ClassOfService>('/classes-of-service', { ...values, domain: ownerDomain }),
    onSuccess: async (cos) => {
      await queryClient.invalidateQueries({ queryKey: ['classes-of-service'] });
      router.push(`/classes-of-service/view?name=${encodeURIComponent(cos.name)}`);
    },
  });
  const domainError = formErrors(create.error, CLASS_OF_SERVICE_FIELDS).byField.domain;
  return (
    <Stack>
      <Anchor component={Link} href="/classes-of-service" size="sm">
        ← Classes of service
      </Anchor>
      <Title order={2}>New class of service</Title>
      <ClassOfServiceForm initial={NEW_CLASS_OF_SERVICE} ownerDomain={ownerDomain} editable error={create.error} busy={create.isPending} submitLabel="Create class of service" onSubmit={(values) => create.mutate(values)}>
        {staff ? (
          <Select
            label="Owner"
            data={[
              { value: 'platform', label: 'Platform-wide (any domain may use it)' },
              { value: 'domain', label: "A district's own" },
            ]}
            value={owner}
            onChange={(v) => v && setOwner(v as 'platform' | 'domain')}
            allowDeselect={false}
            maw={400}
          />
        ) : null}
        {owner === 'domain' ? <DomainSelect label="Owner domain" value={domain} onChange={setDomain} /> : null}
        {owner === 'domain' && domainError ? (
          <Text c="red.9" size="sm" role="alert">
            {domainError}
          </Text>
        ) : null}
      </ClassOfServiceForm>
    </Stack>
  );
}
