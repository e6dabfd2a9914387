/** CASL's Prisma integration bound to our generated client (Prisma 7 `prisma-client`). */
import { accessibleBy as caslAccessibleBy, createPrismaAbility, type Model, type PrismaQueryOf, type Subjects, type WhereInputOf } from '@casl/prisma/runtime';
import type { Ability } from '@casl/ability';
import type {
  Prisma,
  Domain,
  Account,
  Alias,
  MailingList,
  Group,
  ClassOfService,
  WordList,
  Admin,
  RoleAssignment,
  PermissionSet,
  ApiKey,
  AuditEvent,
  QueueEntry,
  QuarantineEntry,
  StorageUnit,
  Transport,
  RemoteDomain,
  RpopSource,
  Webhook,
  Job,
} from '@schoolmail/prisma';

export { createPrismaAbility };

/** The Prisma `where` of each model that limits a query to what the ability allows. */
export interface AccessibleWhere {
  Domain: Prisma.DomainWhereInput;
  Account: Prisma.AccountWhereInput;
  Alias: Prisma.AliasWhereInput;
  MailingList: Prisma.MailingListWhereInput;
  Group: Prisma.GroupWhereInput;
  ClassOfService: Prisma.ClassOfServiceWhereInput;
  WordList: Prisma.WordListWhereInput;
  Admin: Prisma.AdminWhereInput;
  RoleAssignment: Prisma.RoleAssignmentWhereInput;
  PermissionSet: Prisma.PermissionSetWhereInput;
  ApiKey: Prisma.ApiKeyWhereInput;
  AuditEvent: Prisma.AuditEventWhereInput;
  QueueEntry: Prisma.QueueEntryWhereInput;
  QuarantineEntry: Prisma.QuarantineEntryWhereInput;
  StorageUnit: Prisma.StorageUnitWhereInput;
  Transport: Prisma.TransportWhereInput;
  RemoteDomain: Prisma.RemoteDomainWhereInput;
  RpopSource: Prisma.RpopSourceWhereInput;
  Webhook: Prisma.WebhookWhereInput;
  Job: Prisma.JobWhereInput;
}

/**
 * `accessibleBy(ability, 'read').Account` is the condition to put in the `where` of every
 * list: the database filters, never the application. When the ability allows nothing, the
 * condition matches no row: CASL says so with `{ OR: [] }`, which Prisma drops silently
 * inside `AND: [...]` (matching everything), so it is replaced by `{ id: { in: [] } }`.
 */
export function accessibleBy(ability: AppAbility, action = 'read'): AccessibleWhere {
  const query = caslAccessibleBy(ability, action);
  return new Proxy({} as AccessibleWhere, {
    get: (_, model) => {
      const where = query.ofType(model as never) as { OR?: unknown[] };
      return Array.isArray(where.OR) && where.OR.length === 0 && Object.keys(where).length === 1 ? NOTHING : where;
    },
  });
}

export const NOTHING = Object.freeze({ id: { in: [] as never[] } });

export type PrismaQuery<T extends Model<object, string> = Model<object, string>> = PrismaQueryOf<Prisma.TypeMap, T>;
export type WhereInput<TModelName extends Prisma.ModelName> = WhereInputOf<Prisma.TypeMap, TModelName>;

export type AppSubjects =
  | Subjects<{
      Domain: Domain;
      Account: Account;
      Alias: Alias;
      MailingList: MailingList;
      Group: Group;
      ClassOfService: ClassOfService;
      WordList: WordList;
      Admin: Admin;
      RoleAssignment: RoleAssignment;
      PermissionSet: PermissionSet;
      ApiKey: ApiKey;
      AuditEvent: AuditEvent;
      QueueEntry: QueueEntry;
      QuarantineEntry: QuarantineEntry;
      StorageUnit: StorageUnit;
      Transport: Transport;
      RemoteDomain: RemoteDomain;
      RpopSource: RpopSource;
      Webhook: Webhook;
      Job: Job;
    }>
  | 'all';

export type AppAbility = Ability<[string, AppSubjects], PrismaQuery>;
