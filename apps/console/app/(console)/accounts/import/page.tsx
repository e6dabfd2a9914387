'use client';
import { FormError } from '@/ui/States';
import { useState } from 'react';
import Link from 'next/link';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Anchor, Button, Checkbox, FileInput, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { post } from '@/api/client';
import { formErrors } from '@/forms/field-errors';
import { useSession } from '@/session/session';
import { DomainSelect } from '@/domains/DomainSelect';
import { JobProgress } from '@/jobs/JobProgress';
import type { JobView } from '@/jobs/types';

// The columns the API reads (apps/api/src/accounts/accounts-import.csv.ts); header names in any order and case.
const COLUMNS = [
  { name: 'address', required: true, help: 'Full e-mail address, e.g. jane.doe@district1.k12.us' },
  { name: 'password', required: false, help: 'Initial password, at least 10 characters, not containing the address, not a common password (or give passwordHash)' },
  { name: 'passwordHash', required: false, help: 'A scheme-tagged hash instead of a password, e.g. {SHA512-CRYPT}$6$...' },
  { name: 'displayName', required: false, help: 'The name shown to correspondents' },
  { name: 'classOfService', required: false, help: "A class of service name; empty: the domain's" },
  { name: 'quotaMb', required: false, help: 'Mailbox quota in MB, checked against the class of service' },
  { name: 'status', required: false, help: 'active (default), suspended or locked' },
];

export default function ImportAccountsPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [domain, setDomain] = useState<string | null>(session.homeDomain);
  const [dryRun, setDryRun] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async () => post<JobView>('/accounts/imports', { csv: await file!.text(), domain: domain ?? undefined, dryRun }),
    onSuccess: async (job) => {
      setJobId(job.id);
      await queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
  const errors = formErrors(start.error, ['csv', 'domain']);
  return (
    <Stack>
      <div>
        <Anchor component={Link} href="/accounts" size="sm">
          ← Accounts
        </Anchor>
        <Title order={2}>Import accounts from a CSV file</Title>
      </div>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="xs">
          The file
        </Title>
        <Text size="sm" mb="sm">
          The first line names the columns; then one mailbox per line. Only <b>address</b> is required.{' '}
          <Anchor href="/api/v1/accounts/imports/template.csv" download underline="always">
            Download a template
          </Anchor>
          .
        </Text>
        <Table aria-label="CSV columns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Column</Table.Th>
              <Table.Th>Required</Table.Th>
              <Table.Th>Meaning</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {COLUMNS.map((c) => (
              <Table.Tr key={c.name}>
                <Table.Td>
                  <code>{c.name}</code>
                </Table.Td>
                <Table.Td>{c.required ? 'yes' : 'no'}</Table.Td>
                <Table.Td>{c.help}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Group align="flex-end">
            <FileInput label="CSV file" placeholder="Choose a .csv file" accept=".csv,text/csv" value={file} onChange={setFile} error={errors.byField.csv} w={320} clearable clearButtonProps={{ 'aria-label': 'Remove the file' }} />
            <DomainSelect value={domain} onChange={setDomain} label="Only addresses in" />
          </Group>
          <Checkbox label="Only check the file (create nothing)" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
          <FormError message={errors.general} />
          <Group>
            <Button disabled={!file} loading={start.isPending} onClick={() => start.mutate()}>
              {dryRun ? 'Check file' : 'Import'}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {jobId ? <JobProgress key={jobId} id={jobId} /> : null}
    </Stack>
  );
}
