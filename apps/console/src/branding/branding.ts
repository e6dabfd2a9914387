'use client';
import { useQuery } from '@tanstack/react-query';
import { get } from '@/api/client';

/** GET /api/v1/branding: what a district shows on its sign-in page and header. */
export interface Branding {
  domain: string | null;
  productName: string;
  primaryColor: string | null;
  accentColor: string | null;
  logoUrl: string | null;
}

export const DEFAULT_PRIMARY = '#1a5fb4';

export function useBranding(domain: string | null | undefined) {
  return useQuery({
    queryKey: ['branding', domain ?? ''],
    queryFn: () => get<Branding>('/branding', { domain: domain ?? undefined }),
    staleTime: 5 * 60_000,
    enabled: domain !== undefined,
  });
}

/** `?domain=` wins, else the host name the console was reached by. */
export function brandingDomainFromLocation(search: URLSearchParams): string | null {
  const fromQuery = search.get('domain');
  if (fromQuery) return fromQuery;
  const host = window.location.hostname;
  return /^[\d.]+$/.test(host) || host === 'localhost' ? null : host;
}
