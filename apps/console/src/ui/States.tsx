import type { ReactNode } from 'react';
import { Alert, Center, Loader, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { ApiError } from '@/api/client';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-label={label}>
      <Loader />
    </Center>
  );
}

/** A failed load: "not found" for 404 (also what an object outside one's scope answers). */
export function LoadError({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <Stack py="xl" align="center" role="alert">
        <Title order={2}>{what} not found</Title>
        <Text c="dimmed">It does not exist, or it is outside the domains you manage.</Text>
      </Stack>
    );
  }
  return (
    <Alert color="red" role="alert" title={`Could not load the ${what.toLowerCase()}`}>
      {error instanceof Error ? error.message : String(error)}
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" role="status" py="md">
      {children}
    </Text>
  );
}

/** Placeholder rows of a table whose page is loading, so the layout does not jump when it arrives. */
export function LoadingRows({ rows, columns }: { rows: number; columns: number }) {
  return Array.from({ length: rows }, (_, i) => (
    <Table.Tr key={i}>
      <Table.Td colSpan={columns}>
        <Skeleton h={20} />
      </Table.Td>
    </Table.Tr>
  ));
}

/** A form's error that belongs to no single field (field errors sit next to their fields). */
export function FormError({ message }: { message?: string | null }) {
  return message ? (
    <Alert color="red" role="alert">
      {message}
    </Alert>
  ) : null;
}
