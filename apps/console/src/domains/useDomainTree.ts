'use client';
import { useQuery } from '@tanstack/react-query';
import { get, type Page } from '@/api/client';
import type { DomainView } from './types';

export interface DomainNode {
  domain: DomainView;
  children: DomainNode[];
}

// A district has tens of sub-domains, staff a few thousand districts: the tree is loaded whole, page by page.
const MAX_PAGES = 40;

/** Every domain in the person's scope, as a tree; the tops are the domains whose parent is out of scope. */
export function useDomainTree() {
  return useQuery({
    queryKey: ['domains', 'tree'],
    queryFn: async () => {
      const all: DomainView[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await get<Page<DomainView>>('/domains', { limit: 500, cursor });
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      const nodes = new Map(all.map((domain) => [domain.name, { domain, children: [] as DomainNode[] }]));
      const roots: DomainNode[] = [];
      for (const node of nodes.values()) {
        const parent = node.domain.parent ? nodes.get(node.domain.parent) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      return { roots, count: all.length };
    },
  });
}
