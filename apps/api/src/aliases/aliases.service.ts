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
import { domainForNewObject, domainToList, normalizedAddress, refuseSelfReference } from './addressed-objects.js';
import { createAliasInput, listAliasesQuery, updateAliasInput } from './alias.schemas.js';

export const aliasInclude = { domain: true } satisfies Prisma.AliasInclude;
export type AliasRow = Prisma.AliasGetPayload<{ include: typeof aliasInclude }>;

export function presentAlias(row: AliasRow) {
  return {
    address: row.address,
    localPart: row.localPart,
    domain: row.domain.name,
    targets: row.targets,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type AliasView = ReturnType<typeof presentAlias>;

/** An alias the actor can see, by address: 404 when it does not exist or is out of scope. */
async function visibleAlias(db: Database | Tx, ability: AppAbility, address: string) {
  const normalized = normalizedAddress(address);
  const row = normalized
    ? await db.alias.findFirst({ where: { AND: [accessibleBy(ability, 'read').Alias, { address: normalized }] }, include: aliasInclude })
    : null;
  if (!row) throw AppError.notFound('alias', address);
  return row;
}

@Injectable()
export class AliasesService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, domainName: string, rawInput: unknown) {
    const input = parseInput(createAliasInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await domainForNewObject(tx, actor, 'Alias', domainName);
      const address = `${input.localPart}@${domain.name}`;
      refuseSelfReference('targets', address, input.targets, 'alias');
      await claimAddress(tx, address, 'alias', domain.id);
      const row = await tx.alias.create({
        data: { address, localPart: input.localPart, domainId: domain.id, targets: input.targets },
        include: aliasInclude,
      });
      const view = presentAlias(row);
      await this.audit.record(tx, actor, { action: 'alias.create', subjectType: 'Alias', subjectId: address, domain, after: view });
      return view;
    });
  }

  async list(actor: Actor, domainName: string, rawQuery: unknown) {
    const query = parseInput(listAliasesQuery, rawQuery);
    const domain = await domainToList(this.prisma, actor, domainName);
    const filters: Prisma.AliasWhereInput[] = [accessibleBy(actor.ability, 'read').Alias, { domainId: domain.id }];
    if (query.q) filters.push({ address: { contains: query.q.toLowerCase() } });
    const page = keyset<AliasRow>({ sortField: 'address', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.alias.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: aliasInclude,
    });
    return page.page(rows, presentAlias);
  }

  async get(actor: Actor, address: string) {
    return presentAlias(await visibleAlias(this.prisma, actor.ability, address));
  }

  async update(actor: Actor, address: string, rawInput: unknown) {
    const input = parseInput(updateAliasInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleAlias(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Alias', row));
      refuseSelfReference('targets', row.address, input.targets, 'alias');
      const before = presentAlias(row);
      const after = presentAlias(await tx.alias.update({ where: { id: row.id }, data: { targets: input.targets }, include: aliasInclude }));
      await this.audit.record(tx, actor, { action: 'alias.update', subjectType: 'Alias', subjectId: row.address, domain: row.domain, before, after });
      return after;
    });
  }

  async remove(actor: Actor, address: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await visibleAlias(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Alias', row));
      await tx.alias.delete({ where: { id: row.id } });
      await releaseAddress(tx, row.address);
      await this.audit.record(tx, actor, { action: 'alias.delete', subjectType: 'Alias', subjectId: row.address, domain: row.domain, before: presentAlias(row) });
    });
  }
}
