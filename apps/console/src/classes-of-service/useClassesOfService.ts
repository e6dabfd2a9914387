'use client';
import { useQuery } from '@tanstack/react-query';
import { get, type Page } from '@/api/client';

/** The classes of service the person may assign (the API lists only those in scope). */
export function useClassesOfService(enabled = true) {
  return useQuery({
    queryKey: ['classes-of-service', 'names'],
    queryFn: async () => (await get<Page<{ name: string; domain: string | null }>>('/classes-of-service', { limit: 500 })).items.map((c) => c.name),
    enabled,
    staleTime: 60_000,
  });
}
