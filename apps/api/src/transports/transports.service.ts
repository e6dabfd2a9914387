import { ForbiddenError } from '@schoolmail/rbac';
import { Inject, Injectable } from '@nestjs/common';
import type { Transport } from '@schoolmail/prisma';
import { PRISMA, type Database } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { domainName, parseInput } from '../common/validation.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { createTransportInput, listTransportsQuery } from './transport.schemas.js';

const present = (row: Transport) => ({ domain: row.domain, nextHop: row.nextHop, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() });
export type TransportView = ReturnType<typeof present>;

/**
 * Next-hop overrides (`domain -> host:port`, as Postfix's transport map): smart hosts, and
 * the sink servers of tests. Platform-wide routing, so staff only. The engine re-reads them
 * every few seconds.
 */
@Injectable()
export class TransportsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, rawInput: unknown) {
    ForbiddenError.from(actor.ability).throwUnlessCan('create', 'Transport');
    const input = parseInput(createTransportInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      if (await tx.transport.findUnique({ where: { domain: input.domain } })) {
        throw AppError.conflict(`a transport for ${input.domain} already exists; delete it first to change it`, 'domain');
      }
      const view = present(await tx.transport.create({ data: { domain: input.domain, nextHop: input.nextHop } }));
      await this.audit.record(tx, actor, { action: 'transport.create', subjectType: 'Transport', subjectId: view.domain, after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    ForbiddenError.from(actor.ability).throwUnlessCan('read', 'Transport');
    const query = parseInput(listTransportsQuery, rawQuery);
    const after = query.cursor ? decodeCursor(query.cursor).id : undefined;
    const rows = await this.prisma.transport.findMany({
      where: after === undefined ? {} : { domain: { gt: after } },
      orderBy: { domain: 'asc' },
      take: query.limit + 1,
    });
    const more = rows.length > query.limit;
    const kept = more ? rows.slice(0, query.limit) : rows;
    return { items: kept.map(present), nextCursor: more ? encodeCursor(null, kept.at(-1)!.domain) : null };
  }

  async get(actor: Actor, rawDomain: string) {
    ForbiddenError.from(actor.ability).throwUnlessCan('read', 'Transport');
    const domain = parseInput(domainName, rawDomain);
    const row = await this.prisma.transport.findUnique({ where: { domain } });
    if (!row) throw AppError.notFound('transport for', domain);
    return present(row);
  }

  async remove(actor: Actor, rawDomain: string) {
    ForbiddenError.from(actor.ability).throwUnlessCan('delete', 'Transport');
    const domain = parseInput(domainName, rawDomain);
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.transport.findUnique({ where: { domain } });
      if (!row) throw AppError.notFound('transport for', domain);
      await tx.transport.delete({ where: { domain } });
      await this.audit.record(tx, actor, { action: 'transport.delete', subjectType: 'Transport', subjectId: domain, before: present(row) });
    });
  }
}
