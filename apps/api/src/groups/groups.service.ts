import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, subject, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { claimAddress, releaseAddress } from '../addresses/address-registry.js';
import { addressKeyset, domainForNewObject, domainToList, memberAddress, normalizedAddress } from '../aliases/addressed-objects.js';
import { createGroupInput, listGroupMembersQuery, listGroupsQuery, updateGroupInput } from './group.schemas.js';

export const groupInclude = { domain: true, _count: { select: { members: true } } } satisfies Prisma.GroupInclude;
export type GroupRow = Prisma.GroupGetPayload<{ include: typeof groupInclude }>;

export function presentGroup(row: GroupRow) {
  return {
    address: row.address,
    localPart: row.localPart,
    domain: row.domain.name,
    name: row.name,
    memberCount: row._count.members,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type GroupView = ReturnType<typeof presentGroup>;

export const groupMemberInclude = {
  account: { select: { address: true, displayName: true, domain: { select: { name: true } } } },
} satisfies Prisma.GroupMemberInclude;
type GroupMemberRow = Prisma.GroupMemberGetPayload<{ include: typeof groupMemberInclude }>;

export function presentGroupMember(row: GroupMemberRow) {
  return {
    address: row.account.address,
    displayName: row.account.displayName,
    domain: row.account.domain.name,
    addedAt: row.createdAt.toISOString(),
  };
}
export type GroupMemberView = ReturnType<typeof presentGroupMember>;

/** A group the actor can see, by address: 404 when it does not exist or is out of scope. */
async function visibleGroup(db: Database | Tx, ability: AppAbility, address: string) {
  const normalized = normalizedAddress(address);
  const row = normalized
    ? await db.group.findFirst({ where: { AND: [accessibleBy(ability, 'read').Group, { address: normalized }] }, include: groupInclude })
    : null;
  if (!row) throw AppError.notFound('group', address);
  return row;
}

/**
 * The account behind a member address, when the actor may read it. An account outside
 * the actor's scope gets exactly the answer of one that does not exist.
 */
async function readableAccount(db: Database | Tx, ability: AppAbility, address: string, field: string) {
  const account = await db.account.findFirst({ where: { AND: [accessibleBy(ability, 'read').Account, { address }] }, select: { id: true } });
  if (!account) throw AppError.invalid(field, `there is no account ${address}`);
  return account;
}

const notAMember = (member: string, group: string) => new AppError('NOT_FOUND', `${member} is not a member of ${group}`);

/** Members visible to the actor: accounts out of its scope stay hidden, as everywhere else. */
const readableMembers = (ability: AppAbility): Prisma.GroupMemberWhereInput => ({ account: accessibleBy(ability, 'read').Account });

@Injectable()
export class GroupsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, domainName: string, rawInput: unknown) {
    const input = parseInput(createGroupInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await domainForNewObject(tx, actor, 'Group', domainName);
      const address = `${input.localPart}@${domain.name}`;
      const members = input.members ?? [];
      const accounts = [];
      for (const [index, member] of members.entries()) accounts.push(await readableAccount(tx, actor.ability, member, `members.${index}`));
      await claimAddress(tx, address, 'group', domain.id);
      const created = await tx.group.create({
        data: {
          address,
          localPart: input.localPart,
          domainId: domain.id,
          name: input.name ?? null,
          members: accounts.length ? { createMany: { data: accounts.map((account) => ({ accountId: account.id })) } } : undefined,
        },
        include: groupInclude,
      });
      const view = presentGroup(created);
      await this.audit.record(tx, actor, { action: 'group.create', subjectType: 'Group', subjectId: address, domain, after: { ...view, members } });
      return view;
    });
  }

  async list(actor: Actor, domainName: string, rawQuery: unknown) {
    const query = parseInput(listGroupsQuery, rawQuery);
    const domain = await domainToList(this.prisma, actor, domainName);
    const filters: Prisma.GroupWhereInput[] = [accessibleBy(actor.ability, 'read').Group, { domainId: domain.id }];
    if (query.q) filters.push({ OR: [{ address: { contains: query.q.toLowerCase() } }, { name: { contains: query.q, mode: 'insensitive' } }] });
    const page = keyset<GroupRow>({ sortField: 'address', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.group.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: groupInclude,
    });
    return page.page(rows, presentGroup);
  }

  async get(actor: Actor, address: string) {
    return presentGroup(await visibleGroup(this.prisma, actor.ability, address));
  }

  async update(actor: Actor, address: string, rawInput: unknown) {
    const input = parseInput(updateGroupInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleGroup(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Group', row));
      const before = presentGroup(row);
      const data: Prisma.GroupUpdateInput = {};
      if (input.name !== undefined) data.name = input.name;
      const after = presentGroup(await tx.group.update({ where: { id: row.id }, data, include: groupInclude }));
      await this.audit.record(tx, actor, { action: 'group.update', subjectType: 'Group', subjectId: row.address, domain: row.domain, before, after });
      return after;
    });
  }

  async remove(actor: Actor, address: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await visibleGroup(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Group', row));
      await tx.group.delete({ where: { id: row.id } });
      await releaseAddress(tx, row.address);
      await this.audit.record(tx, actor, { action: 'group.delete', subjectType: 'Group', subjectId: row.address, domain: row.domain, before: presentGroup(row) });
    });
  }

  async members(actor: Actor, address: string, rawQuery: unknown) {
    const query = parseInput(listGroupMembersQuery, rawQuery);
    const group = await visibleGroup(this.prisma, actor.ability, address);
    const page = addressKeyset(query);
    const rows = await this.prisma.groupMember.findMany({
      where: {
        AND: [{ groupId: group.id }, readableMembers(actor.ability), ...(page.after !== undefined ? [{ account: { address: { gt: page.after } } }] : [])],
      },
      orderBy: { account: { address: 'asc' } },
      take: page.take,
      include: groupMemberInclude,
    });
    return page.page(rows, (row) => row.account.address, presentGroupMember);
  }

  async member(actor: Actor, address: string, rawMember: string) {
    const member = memberAddress(rawMember);
    const group = await visibleGroup(this.prisma, actor.ability, address);
    const row = await this.prisma.groupMember.findFirst({
      where: { AND: [{ groupId: group.id, account: { address: member } }, readableMembers(actor.ability)] },
      include: groupMemberInclude,
    });
    if (!row) throw notAMember(member, group.address);
    return presentGroupMember(row);
  }

  /** Idempotent add of an account: `created` tells a new member (201) from one that already was (200). */
  async putMember(actor: Actor, address: string, rawMember: string): Promise<{ created: boolean; member: GroupMemberView }> {
    const member = memberAddress(rawMember);
    return this.prisma.$transaction(async (tx) => {
      const group = await visibleGroup(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Group', group));
      const account = await readableAccount(tx, actor.ability, member, 'member');
      const key = { groupId_accountId: { groupId: group.id, accountId: account.id } };
      const existing = await tx.groupMember.findUnique({ where: key, include: groupMemberInclude });
      if (existing) return { created: false, member: presentGroupMember(existing) };
      const view = presentGroupMember(await tx.groupMember.create({ data: { groupId: group.id, accountId: account.id }, include: groupMemberInclude }));
      await this.audit.record(tx, actor, { action: 'group.member.add', subjectType: 'Group', subjectId: group.address, domain: group.domain, after: view });
      return { created: true, member: view };
    });
  }

  async removeMember(actor: Actor, address: string, rawMember: string) {
    const member = memberAddress(rawMember);
    await this.prisma.$transaction(async (tx) => {
      const group = await visibleGroup(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Group', group));
      const existing = await tx.groupMember.findFirst({
        where: { AND: [{ groupId: group.id, account: { address: member } }, readableMembers(actor.ability)] },
        include: groupMemberInclude,
      });
      if (!existing) throw notAMember(member, group.address);
      await tx.groupMember.delete({ where: { groupId_accountId: { groupId: group.id, accountId: existing.accountId } } });
      await this.audit.record(tx, actor, {
        action: 'group.member.remove',
        subjectType: 'Group',
        subjectId: group.address,
        domain: group.domain,
        before: presentGroupMember(existing),
      });
    });
  }
}

/**
 * Members of many groups in one query (GraphQL `Group.members`), keyed by group address,
 * limited to the accounts the actor may read.
 */
export async function membersOfGroups(prisma: Database, ability: AppAbility, groupAddresses: readonly string[]) {
  const rows = await prisma.groupMember.findMany({
    where: { AND: [{ group: { address: { in: [...groupAddresses] } } }, readableMembers(ability)] },
    include: { ...groupMemberInclude, group: { select: { address: true } } },
    orderBy: { account: { address: 'asc' } },
  });
  const byGroup = new Map<string, GroupMemberView[]>();
  for (const row of rows) byGroup.set(row.group.address, [...(byGroup.get(row.group.address) ?? []), presentGroupMember(row)]);
  return groupAddresses.map((group) => byGroup.get(group) ?? []);
}
