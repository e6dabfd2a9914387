import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, subject, type AppAbility } from '@schoolmail/rbac';
import type { MailingListMember, Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { claimAddress, releaseAddress } from '../addresses/address-registry.js';
import {
  addressKeyset,
  domainForNewObject,
  domainToList,
  memberAddress,
  normalizedAddress,
  refuseSelfReference,
} from '../aliases/addressed-objects.js';
import { createMailingListInput, listMailingListsQuery, listMembersQuery, putMemberInput, updateMailingListInput } from './mailing-list.schemas.js';

export const mailingListInclude = { domain: true, _count: { select: { members: true } } } satisfies Prisma.MailingListInclude;
export type MailingListRow = Prisma.MailingListGetPayload<{ include: typeof mailingListInclude }>;

export function presentMailingList(row: MailingListRow) {
  return {
    address: row.address,
    localPart: row.localPart,
    domain: row.domain.name,
    name: row.name,
    postingPolicy: row.postingPolicy,
    memberCount: row._count.members,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type MailingListView = ReturnType<typeof presentMailingList>;

export function presentListMember(row: MailingListMember) {
  return { address: row.address, isOwner: row.isOwner, addedAt: row.createdAt.toISOString() };
}
export type ListMemberView = ReturnType<typeof presentListMember>;

/** A mailing list the actor can see, by address: 404 when it does not exist or is out of scope. */
async function visibleList(db: Database | Tx, ability: AppAbility, address: string) {
  const normalized = normalizedAddress(address);
  const row = normalized
    ? await db.mailingList.findFirst({
        where: { AND: [accessibleBy(ability, 'read').MailingList, { address: normalized }] },
        include: mailingListInclude,
      })
    : null;
  if (!row) throw AppError.notFound('mailing list', address);
  return row;
}

const notAMember = (member: string, list: string) => new AppError('NOT_FOUND', `${member} is not a member of ${list}`);

@Injectable()
export class MailingListsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, domainName: string, rawInput: unknown) {
    const input = parseInput(createMailingListInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await domainForNewObject(tx, actor, 'MailingList', domainName);
      const address = `${input.localPart}@${domain.name}`;
      refuseSelfReference('members', address, input.members, 'list');
      await claimAddress(tx, address, 'list', domain.id);
      const created = await tx.mailingList.create({
        data: {
          address,
          localPart: input.localPart,
          domainId: domain.id,
          name: input.name ?? null,
          postingPolicy: input.postingPolicy ?? 'members',
          members: input.members?.length ? { createMany: { data: input.members.map((member) => ({ address: member })) } } : undefined,
        },
        include: mailingListInclude,
      });
      const view = presentMailingList(created);
      await this.audit.record(tx, actor, {
        action: 'list.create',
        subjectType: 'MailingList',
        subjectId: address,
        domain,
        after: { ...view, members: input.members ?? [] },
      });
      return view;
    });
  }

  async list(actor: Actor, domainName: string, rawQuery: unknown) {
    const query = parseInput(listMailingListsQuery, rawQuery);
    const domain = await domainToList(this.prisma, actor, domainName);
    const filters: Prisma.MailingListWhereInput[] = [accessibleBy(actor.ability, 'read').MailingList, { domainId: domain.id }];
    if (query.q) filters.push({ OR: [{ address: { contains: query.q.toLowerCase() } }, { name: { contains: query.q, mode: 'insensitive' } }] });
    const page = keyset<MailingListRow>({ sortField: 'address', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.mailingList.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: mailingListInclude,
    });
    return page.page(rows, presentMailingList);
  }

  async get(actor: Actor, address: string) {
    return presentMailingList(await visibleList(this.prisma, actor.ability, address));
  }

  async update(actor: Actor, address: string, rawInput: unknown) {
    const input = parseInput(updateMailingListInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleList(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('MailingList', row));
      const before = presentMailingList(row);
      const data: Prisma.MailingListUpdateInput = {};
      if (input.name !== undefined) data.name = input.name;
      if (input.postingPolicy !== undefined) data.postingPolicy = input.postingPolicy;
      const after = presentMailingList(await tx.mailingList.update({ where: { id: row.id }, data, include: mailingListInclude }));
      await this.audit.record(tx, actor, { action: 'list.update', subjectType: 'MailingList', subjectId: row.address, domain: row.domain, before, after });
      return after;
    });
  }

  async remove(actor: Actor, address: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await visibleList(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('MailingList', row));
      await tx.mailingList.delete({ where: { id: row.id } });
      await releaseAddress(tx, row.address);
      await this.audit.record(tx, actor, {
        action: 'list.delete',
        subjectType: 'MailingList',
        subjectId: row.address,
        domain: row.domain,
        before: presentMailingList(row),
      });
    });
  }

  async members(actor: Actor, address: string, rawQuery: unknown) {
    const query = parseInput(listMembersQuery, rawQuery);
    const list = await visibleList(this.prisma, actor.ability, address);
    const page = addressKeyset(query);
    const rows = await this.prisma.mailingListMember.findMany({
      where: { listId: list.id, ...(page.after !== undefined ? { address: { gt: page.after } } : {}) },
      orderBy: { address: 'asc' },
      take: page.take,
    });
    return page.page(rows, (row) => row.address, presentListMember);
  }

  async member(actor: Actor, address: string, rawMember: string) {
    const member = memberAddress(rawMember);
    const list = await visibleList(this.prisma, actor.ability, address);
    const row = await this.prisma.mailingListMember.findUnique({ where: { listId_address: { listId: list.id, address: member } } });
    if (!row) throw notAMember(member, list.address);
    return presentListMember(row);
  }

  /**
   * Idempotent add: `created` tells a new member (201) from one that already was (200).
   * An existing member whose owner flag is given differently is updated in place.
   */
  async putMember(actor: Actor, address: string, rawMember: string, rawInput: unknown): Promise<{ created: boolean; member: ListMemberView }> {
    const input = parseInput(putMemberInput, rawInput ?? {});
    const member = memberAddress(rawMember);
    return this.prisma.$transaction(async (tx) => {
      const list = await visibleList(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('MailingList', list));
      if (member === list.address) throw AppError.invalid('member', `${member} is the list itself: that would make a delivery loop`);
      const key = { listId_address: { listId: list.id, address: member } };
      const existing = await tx.mailingListMember.findUnique({ where: key });
      const audited = { subjectType: 'MailingList', subjectId: list.address, domain: list.domain };
      if (!existing) {
        const row = await tx.mailingListMember.create({ data: { listId: list.id, address: member, isOwner: input.isOwner ?? false } });
        const view = presentListMember(row);
        await this.audit.record(tx, actor, { action: 'list.member.add', ...audited, after: view });
        return { created: true, member: view };
      }
      if (input.isOwner === undefined || input.isOwner === existing.isOwner) return { created: false, member: presentListMember(existing) };
      const row = await tx.mailingListMember.update({ where: key, data: { isOwner: input.isOwner } });
      const view = presentListMember(row);
      await this.audit.record(tx, actor, { action: 'list.member.update', ...audited, before: presentListMember(existing), after: view });
      return { created: false, member: view };
    });
  }

  async removeMember(actor: Actor, address: string, rawMember: string) {
    const member = memberAddress(rawMember);
    await this.prisma.$transaction(async (tx) => {
      const list = await visibleList(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('MailingList', list));
      const key = { listId_address: { listId: list.id, address: member } };
      const existing = await tx.mailingListMember.findUnique({ where: key });
      if (!existing) throw notAMember(member, list.address);
      await tx.mailingListMember.delete({ where: key });
      await this.audit.record(tx, actor, {
        action: 'list.member.remove',
        subjectType: 'MailingList',
        subjectId: list.address,
        domain: list.domain,
        before: presentListMember(existing),
      });
    });
  }
}

/** Members of many lists in one query (GraphQL `MailingList.members`), keyed by list address. */
export async function membersOfLists(prisma: Database, listAddresses: readonly string[]) {
  const rows = await prisma.mailingListMember.findMany({
    where: { list: { address: { in: [...listAddresses] } } },
    include: { list: { select: { address: true } } },
    orderBy: { address: 'asc' },
  });
  const byList = new Map<string, ListMemberView[]>();
  for (const row of rows) byList.set(row.list.address, [...(byList.get(row.list.address) ?? []), presentListMember(row)]);
  return listAddresses.map((list) => byList.get(list) ?? []);
}
