import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, subject, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput, SERVICES } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { visibleDomain } from '../domains/domains.service.js';
import { classOfServiceNamed } from './class-of-service.lookup.js';
import { assertWithinBounds, boundingClass, type ClassValues } from './class-of-service.bounds.js';
import { attachableWordLists } from './class-of-service.word-lists.js';
import { createClassOfServiceInput, listClassesOfServiceQuery, updateClassOfServiceInput } from './class-of-service.schemas.js';

export const classOfServiceInclude = {
  domain: { select: { id: true, name: true, path: true, depth: true } },
  wordLists: { select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.ClassOfServiceInclude;
export type ClassOfServiceRow = Prisma.ClassOfServiceGetPayload<{ include: typeof classOfServiceInclude }>;

export function presentClassOfService(row: ClassOfServiceRow) {
  return {
    name: row.name,
    description: row.description,
    domain: row.domain?.name ?? null,
    services: { smtp: row.smtp, imap: row.imap, pop3: row.pop3, webmail: row.webmail, rpop: row.rpop },
    maxMessageSizeKb: row.maxMessageSizeKb,
    mailboxQuotaMb: row.mailboxQuotaMb,
    maxRecipients: row.maxRecipients,
    sendingRatePerHour: row.sendingRatePerHour,
    wordLists: row.wordLists.map((list) => ({ id: list.id, name: list.name })),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ClassOfServiceView = ReturnType<typeof presentClassOfService>;

/** Reads a class of service the actor can see, by name (any case): 404 when absent or out of scope. */
export async function visibleClassOfService(db: Database | Tx, ability: AppAbility, name: string) {
  const row = await db.classOfService.findFirst({
    where: { AND: [accessibleBy(ability, 'read').ClassOfService, classOfServiceNamed(name)] },
    include: classOfServiceInclude,
  });
  if (!row) throw AppError.notFound('class of service', name);
  return row;
}

/** Serializes concurrent creates and renames of one name (in any case) until the transaction ends. */
async function claimName(tx: Tx, name: string, selfId?: number) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`class-of-service:${name.toLowerCase()}`}))`;
  const taken = await tx.classOfService.findFirst({ where: { AND: [classOfServiceNamed(name), ...(selfId ? [{ id: { not: selfId } }] : [])] } });
  if (taken) throw AppError.conflict(`a class of service named "${taken.name}" already exists`, 'name');
}

@Injectable()
export class ClassesOfServiceService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createClassOfServiceInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const owner = input.domain
        ? await visibleDomain(tx, actor.ability, input.domain).catch(() => {
            throw AppError.invalid('domain', `unknown domain "${input.domain}"`);
          })
        : null;
      const probe = subject('ClassOfService', { domainId: owner?.id ?? null, domain: owner } as never);
      if (!actor.ability.can('create', probe)) {
        throw new AppError(
          'FORBIDDEN',
          owner ? `you may not create classes of service for ${owner.name}` : 'only platform staff may create platform-wide classes of service; give the owner "domain"',
        );
      }
      await claimName(tx, input.name);
      const bounds = owner ? await boundingClass(tx, owner) : null;
      // Services left out follow the level above, so a district class never asks for more by default.
      const services = Object.fromEntries(SERVICES.map((s) => [s, input.services?.[s] ?? bounds?.bound[s] ?? true])) as Pick<ClassValues, (typeof SERVICES)[number]>;
      const values: ClassValues = {
        ...services,
        maxMessageSizeKb: input.maxMessageSizeKb,
        mailboxQuotaMb: input.mailboxQuotaMb,
        maxRecipients: input.maxRecipients,
        sendingRatePerHour: input.sendingRatePerHour ?? null,
      };
      assertWithinBounds(bounds, values);
      const wordLists = await attachableWordLists(tx, actor.ability, input.wordLists ?? [], owner);
      const row = await tx.classOfService.create({
        data: { name: input.name, description: input.description ?? null, domainId: owner?.id ?? null, ...values, wordLists: { connect: wordLists } },
        include: classOfServiceInclude,
      });
      const view = presentClassOfService(row);
      await this.audit.record(tx, actor, { action: 'classOfService.create', subjectType: 'ClassOfService', subjectId: row.name, domain: owner, after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listClassesOfServiceQuery, rawQuery);
    const filters: Prisma.ClassOfServiceWhereInput[] = [accessibleBy(actor.ability, 'read').ClassOfService];
    if (query.q) filters.push({ name: { contains: query.q, mode: 'insensitive' } });
    if (query.domain) filters.push({ domainId: (await visibleDomain(this.prisma, actor.ability, query.domain)).id });
    const page = keyset<ClassOfServiceRow>({ sortField: 'name', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.classOfService.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: classOfServiceInclude,
    });
    return page.page(rows, presentClassOfService);
  }

  async get(actor: Actor, name: string) {
    return presentClassOfService(await visibleClassOfService(this.prisma, actor.ability, name));
  }

  /**
   * How many accounts and domains a change to this class would reach, within what the actor
   * can see: accounts holding it, plus accounts without a class of their own in domains
   * holding it. Counted by the database.
   */
  async impact(actor: Actor, name: string) {
    const row = await visibleClassOfService(this.prisma, actor.ability, name);
    const visible = accessibleBy(actor.ability, 'read');
    const [accounts, domains] = await Promise.all([
      this.prisma.account.count({
        where: { AND: [visible.Account, { OR: [{ classOfServiceId: row.id }, { classOfServiceId: null, domain: { classOfServiceId: row.id } }] }] },
      }),
      this.prisma.domain.count({
        where: { AND: [visible.Domain, { OR: [{ classOfServiceId: row.id }, { accounts: { some: { classOfServiceId: row.id } } }] }] },
      }),
    ]);
    return { accounts, domains };
  }

  async update(actor: Actor, name: string, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(updateClassOfServiceInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleClassOfService(tx, actor.ability, name);
      if (!actor.ability.can('update', subject('ClassOfService', row))) {
        throw new AppError('FORBIDDEN', row.domain ? `you may not change classes of service of ${row.domain.name}` : 'only platform staff may change platform-wide classes of service');
      }
      assertVersion(row.version, expectedVersion);
      const before = presentClassOfService(row);
      if (input.name !== undefined && input.name !== row.name) await claimName(tx, input.name, row.id);
      const values: ClassValues = {
        smtp: input.services?.smtp ?? row.smtp,
        imap: input.services?.imap ?? row.imap,
        pop3: input.services?.pop3 ?? row.pop3,
        webmail: input.services?.webmail ?? row.webmail,
        rpop: input.services?.rpop ?? row.rpop,
        maxMessageSizeKb: input.maxMessageSizeKb ?? row.maxMessageSizeKb,
        mailboxQuotaMb: input.mailboxQuotaMb ?? row.mailboxQuotaMb,
        maxRecipients: input.maxRecipients ?? row.maxRecipients,
        sendingRatePerHour: input.sendingRatePerHour === undefined ? row.sendingRatePerHour : input.sendingRatePerHour,
      };
      if (row.domain) assertWithinBounds(await boundingClass(tx, row.domain, row.id), values);
      const wordLists = input.wordLists ? await attachableWordLists(tx, actor.ability, input.wordLists, row.domain) : undefined;
      const data: Prisma.ClassOfServiceUpdateManyMutationInput = { ...values, version: { increment: 1 } };
      if (input.name !== undefined) data.name = input.name;
      if (input.description !== undefined) data.description = input.description;
      const updated = await tx.classOfService.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the class of service changed while this update ran; read it again and retry');
      if (wordLists) await tx.classOfService.update({ where: { id: row.id }, data: { wordLists: { set: wordLists } } });
      const after = presentClassOfService(await tx.classOfService.findUniqueOrThrow({ where: { id: row.id }, include: classOfServiceInclude }));
      await this.audit.record(tx, actor, { action: 'classOfService.update', subjectType: 'ClassOfService', subjectId: after.name, domain: row.domain, before, after });
      return after;
    });
  }

  /** Deletes a class of service; one still assigned to a domain or an account answers 409 with the counts. */
  async remove(actor: Actor, name: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await visibleClassOfService(tx, actor.ability, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('ClassOfService', row));
      // One connection serves a transaction: its queries go one after the other.
      const domains = await tx.domain.count({ where: { classOfServiceId: row.id } });
      const accounts = await tx.account.count({ where: { classOfServiceId: row.id } });
      if (domains > 0 || accounts > 0) {
        throw AppError.conflict(
          `class of service ${row.name} is still assigned to ${domains} domain(s) and ${accounts} account(s); assign them another class first`,
        );
      }
      await tx.classOfService.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, {
        action: 'classOfService.delete',
        subjectType: 'ClassOfService',
        subjectId: row.name,
        domain: row.domain,
        before: presentClassOfService(row),
      });
    });
  }
}
