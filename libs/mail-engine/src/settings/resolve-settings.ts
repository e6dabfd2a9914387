/**
 * The one resolver of ARCHITECTURE.md section 5: every setting a mailbox experiences comes
 * from the chain `server defaults -> class of service -> domain (root to leaf) -> account`,
 * and each value carries which level decided it, who set it and when, so that "why is IMAP
 * off for jane?" has an answer. Pure: the caller loads the chain (see load-settings.ts).
 */

export const SERVICE_NAMES = ['smtp', 'imap', 'pop3', 'webmail', 'rpop'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type SettingLevel = 'server' | 'class-of-service' | 'domain' | 'account';
export type AccountStatusValue = 'active' | 'suspended' | 'locked';

export interface Decision {
  level: SettingLevel;
  /** The server, the class of service, the domain or the account that decided. */
  name: string;
  changedBy?: string;
  /** ISO 8601. */
  changedAt?: string;
}

export interface Explained<T> {
  value: T;
  decidedBy: Decision;
  reason: string;
}

export interface ServiceToggleInput {
  service: ServiceName;
  enabled: boolean;
  changedBy: string;
  changedAt: Date;
}

export interface ServerDefaults {
  name: string;
  services: Record<ServiceName, boolean>;
  maxMessageSizeKb: number;
  mailboxQuotaMb: number;
  maxRecipients: number;
  sendingRatePerHour: number | null;
}

/** The platform's built-in values, used where no class of service applies (same as a new class's defaults). */
export const SERVER_DEFAULTS: ServerDefaults = {
  name: 'server defaults',
  services: { smtp: true, imap: true, pop3: true, webmail: true, rpop: true },
  maxMessageSizeKb: 25_600,
  mailboxQuotaMb: 2_048,
  maxRecipients: 100,
  sendingRatePerHour: null,
};

export interface WordListInput {
  id: number;
  name: string;
  scope: 'system' | 'domain' | 'account';
  action: 'reject' | 'quarantine' | 'tag';
  direction: 'inbound' | 'outbound' | 'both';
  /** The domain that owns a domain list, the address that owns an account list. */
  owner?: string;
}

export interface ClassOfServiceInput {
  name: string;
  services: Record<ServiceName, boolean>;
  maxMessageSizeKb: number;
  mailboxQuotaMb: number;
  maxRecipients: number;
  sendingRatePerHour: number | null;
  /** Where it was assigned: on the account itself, or on this domain of the chain. */
  assignedAt: { level: 'account' | 'domain'; name: string };
  wordLists?: WordListInput[];
}

export interface DomainLink {
  name: string;
  status: 'active' | 'suspended';
  toggles: ServiceToggleInput[];
}

export interface SettingsChain {
  server?: ServerDefaults;
  classOfService: ClassOfServiceInput | null;
  /** The account's domain and its parents, root first, the account's own domain last. */
  domains: DomainLink[];
  account: { address: string; status: AccountStatusValue; toggles: ServiceToggleInput[] };
  /** System lists, and the lists of the domains of the chain and of the account. */
  wordLists: WordListInput[];
}

export interface AppliedWordList {
  id: number;
  name: string;
  scope: WordListInput['scope'];
  action: WordListInput['action'];
  direction: WordListInput['direction'];
  appliesVia: { level: SettingLevel; name: string };
}

export interface EffectiveSettings {
  account: string;
  classOfService: { name: string; assignedAt: { level: 'account' | 'domain'; name: string } } | null;
  services: Record<ServiceName, Explained<boolean>>;
  maxMessageSizeKb: Explained<number>;
  mailboxQuotaMb: Explained<number>;
  maxRecipients: Explained<number>;
  sendingRatePerHour: Explained<number | null>;
  status: Explained<AccountStatusValue>;
  wordLists: AppliedWordList[];
}

const SERVICE_LABEL: Record<ServiceName, string> = { smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3', webmail: 'WebMail', rpop: 'RPOP' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "3 Nov 2026" (UTC), as the explanation reads. */
export function humanDate(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function describe(decision: Decision): string {
  const where = decision.level === 'server' ? decision.name : `${decision.level.replace(/-/g, ' ')} ${decision.name}`;
  const who = decision.changedBy ? ` by ${decision.changedBy}` : '';
  const when = decision.changedAt ? ` on ${humanDate(new Date(decision.changedAt))}` : '';
  return `${where}${who}${when}`;
}

function toggleDecision(level: 'domain' | 'account', name: string, toggle: ServiceToggleInput): Decision {
  return { level, name, changedBy: toggle.changedBy, changedAt: toggle.changedAt.toISOString() };
}

function classDecision(cos: ClassOfServiceInput): Decision {
  return { level: 'class-of-service', name: cos.name };
}

function classNote(cos: ClassOfServiceInput) {
  return ` (assigned to ${cos.assignedAt.level} ${cos.assignedAt.name})`;
}

/**
 * A service is on only when every level allows it: a narrower level can restrict, never
 * widen. When it is off, the widest level that switched it off is the one to ask.
 */
function resolveService(service: ServiceName, chain: SettingsChain, server: ServerDefaults): Explained<boolean> {
  const label = SERVICE_LABEL[service];
  const steps: Array<{ enabled: boolean; decision: Decision; suffix?: string }> = [
    { enabled: server.services[service], decision: { level: 'server', name: server.name } },
  ];
  const cos = chain.classOfService;
  if (cos) steps.push({ enabled: cos.services[service], decision: classDecision(cos), suffix: classNote(cos) });
  for (const domain of chain.domains) {
    const toggle = domain.toggles.find((t) => t.service === service);
    if (toggle) steps.push({ enabled: toggle.enabled, decision: toggleDecision('domain', domain.name, toggle) });
  }
  const own = chain.account.toggles.find((t) => t.service === service);
  if (own) steps.push({ enabled: own.enabled, decision: toggleDecision('account', chain.account.address, own) });

  const widestOff = steps.find((step) => !step.enabled);
  if (widestOff) {
    const overruled = own?.enabled && widestOff.decision.level !== 'account' ? `; the account's own setting (on) cannot override it` : '';
    return {
      value: false,
      decidedBy: widestOff.decision,
      reason: `${label}: off - disabled at ${describe(widestOff.decision)}${widestOff.suffix ?? ''}${overruled}`,
    };
  }
  // On everywhere: the narrowest level that says so explicitly is the one that decided.
  const narrowest = steps.at(-1)!;
  const verb = narrowest.decision.level === 'server' || narrowest.decision.level === 'class-of-service' ? 'allowed by' : 'enabled at';
  return { value: true, decidedBy: narrowest.decision, reason: `${label}: on - ${verb} ${describe(narrowest.decision)}${narrowest.suffix ?? ''}` };
}

type Limit = 'maxMessageSizeKb' | 'mailboxQuotaMb' | 'maxRecipients' | 'sendingRatePerHour';
const LIMIT_LABEL: Record<Limit, (value: number | null) => string> = {
  maxMessageSizeKb: (v) => `Maximum message size: ${v} KB`,
  mailboxQuotaMb: (v) => `Mailbox quota: ${v} MB`,
  maxRecipients: (v) => `Maximum recipients per message: ${v}`,
  sendingRatePerHour: (v) => `Sending rate: ${v === null ? 'unlimited' : `${v} messages per hour`}`,
};

/** Limits live on the class of service; without one the server's defaults apply. */
function resolveLimit<K extends Limit>(limit: K, chain: SettingsChain, server: ServerDefaults): Explained<ServerDefaults[K]> {
  const cos = chain.classOfService;
  if (cos) {
    const value = cos[limit] as ServerDefaults[K];
    return { value, decidedBy: classDecision(cos), reason: `${LIMIT_LABEL[limit](value)} - from ${describe(classDecision(cos))}${classNote(cos)}` };
  }
  const value = server[limit];
  return { value, decidedBy: { level: 'server', name: server.name }, reason: `${LIMIT_LABEL[limit](value)} - ${server.name} (no class of service applies)` };
}

/** A suspended domain anywhere up the chain suspends its mailboxes; the widest one is named. */
function resolveStatus(chain: SettingsChain): Explained<AccountStatusValue> {
  const suspendedDomain = chain.domains.find((d) => d.status === 'suspended');
  if (suspendedDomain) {
    return {
      value: 'suspended',
      decidedBy: { level: 'domain', name: suspendedDomain.name },
      reason: `Status: suspended - domain ${suspendedDomain.name} is suspended`,
    };
  }
  const { address, status } = chain.account;
  const decidedBy: Decision = { level: 'account', name: address };
  return { value: status, decidedBy, reason: status === 'active' ? 'Status: active' : `Status: ${status} - account ${address} is ${status}` };
}

function applyWordLists(chain: SettingsChain): AppliedWordList[] {
  const applied = new Map<number, AppliedWordList>();
  const add = (list: WordListInput, via: AppliedWordList['appliesVia']) => {
    if (!applied.has(list.id)) {
      applied.set(list.id, { id: list.id, name: list.name, scope: list.scope, action: list.action, direction: list.direction, appliesVia: via });
    }
  };
  const chainDomains = new Set(chain.domains.map((d) => d.name));
  const rank = { system: 0, domain: 1, account: 2 } as const;
  const ordered = [...chain.wordLists].sort((a, b) => rank[a.scope] - rank[b.scope] || a.id - b.id);
  for (const list of ordered) {
    if (list.scope === 'system') add(list, { level: 'server', name: 'system' });
    else if (list.scope === 'domain' && list.owner && chainDomains.has(list.owner)) add(list, { level: 'domain', name: list.owner });
    else if (list.scope === 'account' && list.owner === chain.account.address) add(list, { level: 'account', name: chain.account.address });
  }
  const cos = chain.classOfService;
  for (const list of cos?.wordLists ?? []) add(list, { level: 'class-of-service', name: cos!.name });
  return [...applied.values()];
}

/** Every effective value of one mailbox, each with the level that decided it and why. */
export function resolveEffectiveSettings(chain: SettingsChain): EffectiveSettings {
  const server = chain.server ?? SERVER_DEFAULTS;
  const cos = chain.classOfService;
  return {
    account: chain.account.address,
    classOfService: cos ? { name: cos.name, assignedAt: cos.assignedAt } : null,
    services: Object.fromEntries(SERVICE_NAMES.map((s) => [s, resolveService(s, chain, server)])) as Record<ServiceName, Explained<boolean>>,
    maxMessageSizeKb: resolveLimit('maxMessageSizeKb', chain, server),
    mailboxQuotaMb: resolveLimit('mailboxQuotaMb', chain, server),
    maxRecipients: resolveLimit('maxRecipients', chain, server),
    sendingRatePerHour: resolveLimit('sendingRatePerHour', chain, server),
    status: resolveStatus(chain),
    wordLists: applyWordLists(chain),
  };
}
