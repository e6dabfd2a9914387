import type { Page } from '@/api/client';
import type { ServiceName } from '@/domains/types';

/** GET /api/v1/accounts/{address} */
export interface AccountView {
  address: string;
  localPart: string;
  domain: string;
  displayName: string | null;
  classOfService: string | null;
  services: Record<ServiceName, boolean>;
  status: 'active' | 'suspended' | 'locked';
  quota: { usedBytes: number; limitBytes: number };
  version: number;
  createdAt: string;
  lastLoginAt: string | null;
}

interface Explained<T> {
  value: T;
  decidedBy: { level: string; name: string; changedBy?: string; changedAt?: string };
  reason: string;
}

/** GET /api/v1/accounts/{address}/effective-settings */
export interface EffectiveSettings {
  account: string;
  classOfService: { name: string; assignedAt: { level: string; name: string } } | null;
  services: Record<ServiceName, Explained<boolean>>;
  maxMessageSizeKb: Explained<number>;
  mailboxQuotaMb: Explained<number>;
  maxRecipients: Explained<number>;
  sendingRatePerHour: Explained<number | null>;
  status: Explained<string>;
}

/** GET /api/v1/domains/{domain}/accounts: the total comes with the first page only. */
export interface AccountPage extends Page<AccountView> {
  total: AccountTotal | null;
}

/** `estimated`: PostgreSQL's estimate, for a list of more than 10,000 accounts without a search. */
export interface AccountTotal {
  count: number;
  estimated: boolean;
}
