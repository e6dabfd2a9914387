'use client';
import { useQuery } from '@tanstack/react-query';
import { get, type Page } from '@/api/client';
import type { WordList } from '@/word-lists/types';

/**
 * The word lists a class of service may apply: system lists, plus domain lists for a
 * district's class (the API refuses a list outside the class's branch, next to the field).
 * A mailbox's own list never belongs to a class.
 */
export function useAttachableWordLists(ownerDomain: string | null) {
  return useQuery({
    queryKey: ['word-lists', 'attachable', ownerDomain],
    queryFn: async () => {
      const lists = (await get<Page<WordList>>('/word-lists', { limit: 500 })).items;
      return lists.filter((list) => list.scope === 'system' || (ownerDomain !== null && list.scope === 'domain'));
    },
    staleTime: 30_000,
  });
}
