/**
 * Reads the settings chains of a batch of mailboxes in a fixed number of queries, whatever
 * the batch size (GraphQL DataLoader, protocol-time lookups), then resolves each one.
 */
import type { PrismaClient } from '@schoolmail/prisma';
import {
  resolveEffectiveSettings,
  type ClassOfServiceInput,
  type DomainLink,
  type EffectiveSettings,
  type ServerDefaults,
  type ServiceName,
  type ServiceToggleInput,
  type WordListInput,
} from './resolve-settings.js';

/** A client or a transaction: only these tables are read. */
export type SettingsDb = Pick<PrismaClient, 'account' | 'domain' | 'classOfService' | 'wordList'>;

const toggleSelect = { service: true, enabled: true, changedBy: true, changedAt: true } as const;
const wordListSelect = { id: true, name: true, scope: true, action: true, direction: true, domainId: true, accountId: true } as const;

/** Domain ids of a materialized path, root first: "/1/5/9/" -> [1, 5, 9]. */
export function idsOfPath(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}

const toggles = (rows: Array<{ service: string; enabled: boolean; changedBy: string; changedAt: Date }>): ServiceToggleInput[] =>
  rows.map((row) => ({ ...row, service: row.service as ServiceName }));

const unique = <T>(values: Iterable<T>) => [...new Set(values)];

/** Effective settings by account id; ids that do not exist are absent from the map. */
export async function loadEffectiveSettings(
  db: SettingsDb,
  accountIds: readonly number[],
  server?: ServerDefaults,
): Promise<Map<number, EffectiveSettings>> {
  const ids = unique(accountIds);
  const result = new Map<number, EffectiveSettings>();
  if (ids.length === 0) return result;

  const accounts = await db.account.findMany({
    where: { id: { in: ids } },
    select: { id: true, address: true, status: true, classOfServiceId: true, domain: { select: { path: true } }, serviceToggles: { select: toggleSelect } },
  });
  const domainIds = unique(accounts.flatMap((a) => idsOfPath(a.domain.path)));
  const domains = await db.domain.findMany({
    where: { id: { in: domainIds } },
    select: { id: true, name: true, status: true, classOfServiceId: true, serviceToggles: { select: toggleSelect } },
  });
  const domainById = new Map(domains.map((d) => [d.id, d]));
  const classIds = unique([...accounts, ...domains].map((row) => row.classOfServiceId).filter((id): id is number => id !== null));
  const classes = classIds.length
    ? await db.classOfService.findMany({ where: { id: { in: classIds } }, include: { wordLists: { select: wordListSelect } } })
    : [];
  const classById = new Map(classes.map((c) => [c.id, c]));
  const lists = await db.wordList.findMany({
    where: { OR: [{ scope: 'system' }, { scope: 'domain', domainId: { in: domainIds } }, { scope: 'account', accountId: { in: ids } }] },
    select: wordListSelect,
    orderBy: { id: 'asc' },
  });
  const addressById = new Map(accounts.map((a) => [a.id, a.address]));
  const asInput = (list: (typeof lists)[number]): WordListInput => ({
    id: list.id,
    name: list.name,
    scope: list.scope,
    action: list.action,
    direction: list.direction,
    owner: list.domainId !== null ? domainById.get(list.domainId)?.name : list.accountId !== null ? addressById.get(list.accountId) : undefined,
  });
  const wordLists = lists.map(asInput);

  for (const account of accounts) {
    const chain = idsOfPath(account.domain.path).map((id) => domainById.get(id)).filter((d) => d !== undefined);
    const domainLinks: DomainLink[] = chain.map((d) => ({ name: d.name, status: d.status, toggles: toggles(d.serviceToggles) }));
    const nearestDomainWithClass = [...chain].reverse().find((d) => d.classOfServiceId !== null);
    const classId = account.classOfServiceId ?? nearestDomainWithClass?.classOfServiceId ?? null;
    const cos = classId === null ? undefined : classById.get(classId);
    const classOfService: ClassOfServiceInput | null = cos
      ? {
          name: cos.name,
          services: { smtp: cos.smtp, imap: cos.imap, pop3: cos.pop3, webmail: cos.webmail, rpop: cos.rpop },
          maxMessageSizeKb: cos.maxMessageSizeKb,
          mailboxQuotaMb: cos.mailboxQuotaMb,
          maxRecipients: cos.maxRecipients,
          sendingRatePerHour: cos.sendingRatePerHour,
          assignedAt: account.classOfServiceId !== null ? { level: 'account', name: account.address } : { level: 'domain', name: nearestDomainWithClass!.name },
          wordLists: cos.wordLists.map(asInput),
        }
      : null;
    result.set(
      account.id,
      resolveEffectiveSettings({
        server,
        classOfService,
        domains: domainLinks,
        account: { address: account.address, status: account.status, toggles: toggles(account.serviceToggles) },
        wordLists,
      }),
    );
  }
  return result;
}
