'use client';
import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError, get } from '@/api/client';

export type Action = 'read' | 'create' | 'update' | 'delete';

interface Rule {
  action: string;
  subject: string;
  inverted: boolean;
}

/** GET /api/v1/auth/me */
export interface Me {
  kind: 'admin' | 'apiKey' | 'user';
  name: string;
  role: string;
  grants: Array<{ role?: string; permissionSet?: string; domain: string | null }>;
  rules: Rule[];
}

export interface Session {
  me: Me;
  /** The district (or sub-domain) this person administers: the top of its grants; null for staff; a mailbox owner's own domain. */
  homeDomain: string | null;
  /**
   * Whether the person holds `action` on `subject` somewhere in its scope: what the API's
   * route check asks. Whether it applies to one object (scope) the API answers with 404/403.
   */
  can(action: Action, subject: string): boolean;
}

// Set on sign-in and cleared on sign-out: a 401 while it is set means the session expired.
const SIGNED_IN_FLAG = 'schoolmail.signedIn';

export function rememberSignedIn(value: boolean) {
  if (value) localStorage.setItem(SIGNED_IN_FLAG, '1');
  else localStorage.removeItem(SIGNED_IN_FLAG);
}

export function wasSignedIn() {
  return localStorage.getItem(SIGNED_IN_FLAG) === '1';
}

export function sessionOf(me: Me): Session {
  const allowed = (rule: Rule, action: Action, subject: string) =>
    (rule.action === action || rule.action === 'manage') && (rule.subject === subject || rule.subject === 'all');
  const domains = me.grants.map((g) => g.domain).filter((d): d is string => d !== null);
  const staff = me.grants.some((g) => g.domain === null);
  return {
    me,
    homeDomain: me.kind === 'user' ? (me.name.split('@')[1] ?? null) : staff ? null : (domains.sort((a, b) => a.split('.').length - b.split('.').length)[0] ?? null),
    can: (action, subject) => me.rules.some((rule) => !rule.inverted && allowed(rule, action, subject)),
  };
}

export const ME_KEY = ['auth', 'me'] as const;

export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: () => get<Me>('/auth/me'),
    staleTime: 60_000,
    retry: (count, error) => !(error instanceof ApiError && error.status === 401) && count < 2,
  });
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in person, inside the console shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the console shell');
  return session;
}
