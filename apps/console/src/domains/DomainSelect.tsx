'use client';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { get, type Page } from '@/api/client';
import type { DomainView } from './types';

/** Picks one of the domains in the person's scope, searching on the server as one types. */
export function DomainSelect({ value, onChange, label = 'Domain' }: { value: string | null; onChange: (domain: string | null) => void; label?: string }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const domains = useQuery({
    queryKey: ['domains', 'pick', q],
    queryFn: () => get<Page<DomainView>>('/domains', { q: q && q !== value ? q : undefined, limit: 100 }),
  });
  const names = domains.data?.items.map((d) => d.name) ?? [];
  const data = value && !names.includes(value) ? [value, ...names] : names;
  return (
    <Select
      label={label}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={domains.isLoading ? 'Loading...' : 'No domain matches'}
      w={300}
    />
  );
}
