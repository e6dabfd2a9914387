import type { ServiceName } from '@/domains/types';

/** GET /api/v1/classes-of-service items and GET /classes-of-service/{name} */
export interface ClassOfService {
  name: string;
  description: string | null;
  /** The district that owns it; null for a platform-wide class (staff). */
  domain: string | null;
  services: Record<ServiceName, boolean>;
  maxMessageSizeKb: number;
  mailboxQuotaMb: number;
  maxRecipients: number;
  /** null: no sending limit. */
  sendingRatePerHour: number | null;
  wordLists: Array<{ id: number; name: string }>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/v1/classes-of-service/{name}/impact: counted within what the reader can see. */
export interface ClassOfServiceImpact {
  accounts: number;
  domains: number;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const impactText = (impact: ClassOfServiceImpact) =>
  `This change affects ${plural(impact.accounts, 'account', 'accounts')} in ${plural(impact.domains, 'domain', 'domains')}.`;

export const usageText = (impact: ClassOfServiceImpact) =>
  `${plural(impact.accounts, 'account', 'accounts')} in ${plural(impact.domains, 'domain', 'domains')}`;

/** The values the editor sends: POST /classes-of-service and PATCH /classes-of-service/{name}. */
export interface ClassOfServiceInput {
  name: string;
  description: string | null;
  services: Record<ServiceName, boolean>;
  maxMessageSizeKb: number;
  mailboxQuotaMb: number;
  maxRecipients: number;
  sendingRatePerHour: number | null;
  wordLists: number[];
}

export const CLASS_OF_SERVICE_FIELDS = ['name', 'description', 'services', 'maxMessageSizeKb', 'mailboxQuotaMb', 'maxRecipients', 'sendingRatePerHour', 'wordLists', 'domain'] as const;

export function inputOf(cos: ClassOfService): ClassOfServiceInput {
  return {
    name: cos.name,
    description: cos.description,
    services: { ...cos.services },
    maxMessageSizeKb: cos.maxMessageSizeKb,
    mailboxQuotaMb: cos.mailboxQuotaMb,
    maxRecipients: cos.maxRecipients,
    sendingRatePerHour: cos.sendingRatePerHour,
    wordLists: cos.wordLists.map((list) => list.id),
  };
}

/** What a new class starts with: everything on, 25 MB messages, 2 GB mailboxes. */
export const NEW_CLASS_OF_SERVICE: ClassOfServiceInput = {
  name: '',
  description: null,
  services: { smtp: true, imap: true, pop3: true, webmail: true, rpop: true },
  maxMessageSizeKb: 25_600,
  mailboxQuotaMb: 2048,
  maxRecipients: 100,
  sendingRatePerHour: null,
  wordLists: [],
};

const size = (kb: number) => (kb >= 1024 * 1024 ? `${+(kb / 1024 / 1024).toFixed(1)} GB` : kb >= 1024 ? `${+(kb / 1024).toFixed(1)} MB` : `${kb} KB`);

/** The limits in one line, in the units people think in. */
export const limitsText = (cos: ClassOfService) =>
  [
    `messages up to ${size(cos.maxMessageSizeKb)}`,
    `mailbox ${size(cos.mailboxQuotaMb * 1024)}`,
    `${cos.maxRecipients} recipients`,
    cos.sendingRatePerHour === null ? 'no sending limit' : `${cos.sendingRatePerHour} messages/hour`,
  ].join(', ');
