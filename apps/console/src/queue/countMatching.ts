import { get, type Page } from '@/api/client';
import type { QueueEntry } from './types';
import type { QueueFilter } from './filters';

const PAGE = 500;
const MAX_PAGES = 20;

/**
 * How many entries a filter matches, for the confirmation of an action on all of them. The
 * API has no count endpoint, so pages are walked; past MAX_PAGES the answer is a lower bound.
 */
export async function countMatching(filter: QueueFilter): Promise<{ count: number; atLeast: boolean }> {
  let count = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await get<Page<QueueEntry>>('/queue', { ...filter, limit: PAGE, cursor });
    count += result.items.length;
    if (!result.nextCursor) return { count, atLeast: false };
    cursor = result.nextCursor;
  }
  return { count, atLeast: true };
}
