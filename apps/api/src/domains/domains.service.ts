import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { accessibleBy, ForbiddenError, subject, type AppAbility } from '@schoolmail/rbac';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { saveToggles, servicesOf } from '../service-toggles/service-toggles.js';
import { usableClassOfService } from '../classes-of-service/class-of-service.lookup.js';
import { assertAssignable, assertMovable } from '../classes-of-service/class-of-service.assignment.js';
import { createDomainInput, listDomainsQuery, updateDomainInput } from './domain.schemas.js';
import { DOMAIN_PATHS_JOB, queueDomainPathSweep, unsafeRewriteDomainPaths } from './domain-paths.js';
import { deleteDomainContent } from './domain-content.js';
import { DirectoryProvisioning } from '../ldap/directory-provisioning.js';

export const domainInclude = {
  parent: { select: { name: true } },
  classOfService: { select: { name: true } },
  serviceToggles: true,
} satisfies Prisma.DomainInclude;
export type DomainRow = Prisma.DomainGetPayload<{ include: typeof domainInclude }>;

/** A force delete removes a whole subtree's mailboxes, each with its directory entry when provisioned. */
const REMOVE_TIMEOUT_MS = 120_000;

export function presentDomain(row: DomainRow) {
  return {
    name: row.name,
    parent: row.parent?.name ?? null,
    depth: row.depth,
    status: row.status,
    classOfService: row.classOfService?.name ?? null,
    services: servicesOf(row.serviceToggles),
    branding: {
      productName: row.brandProductName,
      primaryColor: row.brandPrimaryColor,
      accentColor: row.brandAccentColor,
      hasLogo: row.brandLogoType !== null,
    },
    backendNode: row.backendNode,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type DomainView = ReturnType<typeof presentDomain>;

/** Reads a domain the actor can see, by name: 404 when it does not exist or is out of scope. */
export async function visibleDomain(db: Database | Tx, ability: AppAbility, name: string) {
  const row = await db.domain.findFirst({
    where: { AND: [accessibleBy(ability, 'read').Domain, { name: name.toLowerCase() }] },
    include: domainInclude,
  });
  if (!row) throw AppError.notFound('domain', name);
  return row;
}

@Injectable()
export class DomainsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly provisioning: DirectoryProvisioning,
  ) {}

  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createDomainInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const parent = input.parent ? await visibleDomain(tx, actor.ability, input.parent).catch(() => {
        throw AppError.invalid('parent', `unknown domain "${input.parent}"`);
      }) : null;
      // Ask with the place the new domain will have: under the parent, or at the top.
      ForbiddenError.from(actor.ability).throwUnlessCan(
        'create',
        subject('Domain', { path: `${parent?.path ?? '/'}new/`, depth: (parent?.depth ?? -1) + 1 } as never),
      );
      if (await tx.domain.findUnique({ where: { name: input.name } })) throw AppError.conflict(`domain ${input.name} already exists`, 'name');
      const newPath = `${parent?.path ?? '/'}new/`;
      const classOfService = input.classOfService ? await usableClassOfService(tx, actor.ability, input.classOfService, 'classOfService', newPath) : null;
      const place = { kind: 'domain', name: input.name, path: newPath, depth: (parent?.depth ?? -1) + 1, classOfServiceId: null, created: true } as const;
      await assertAssignable(tx, actor, classOfService, place);
      const created = await tx.domain.create({
        data: {
          name: input.name,
          parentId: parent?.id ?? null,
          path: `pending:${randomUUID()}`,
          depth: parent ? parent.depth + 1 : 0,
          status: input.status ?? 'active',
          classOfServiceId: classOfService?.id ?? null,
          brandProductName: input.branding?.productName ?? null,
          brandPrimaryColor: input.branding?.primaryColor ?? null,
          brandAccentColor: input.branding?.accentColor ?? null,
        },
      });
      await tx.domain.update({ where: { id: created.id }, data: { path: `${parent?.path ?? '/'}${created.id}/` } });
      await saveToggles(tx, { domainId: created.id }, input.services, actor.principal.name);
      const row = await tx.domain.findUniqueOrThrow({ where: { id: created.id }, include: domainInclude });
      const view = presentDomain(row);
      await this.audit.record(tx, actor, { action: 'domain.create', subjectType: 'Domain', subjectId: row.name, domain: row, after: view });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listDomainsQuery, rawQuery);
    const filters: Prisma.DomainWhereInput[] = [accessibleBy(actor.ability, 'read').Domain];
    if (query.q) filters.push({ name: { contains: query.q.toLowerCase() } });
    if (query.parent) filters.push({ parentId: (await visibleDomain(this.prisma, actor.ability, query.parent)).id });
    const page = keyset<DomainRow>({ sortField: 'name', unique: true, limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.domain.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: domainInclude,
    });
    return page.page(rows, presentDomain);
  }

  async get(actor: Actor, name: string) {
    return presentDomain(await visibleDomain(this.prisma, actor.ability, name));
  }

  async update(actor: Actor, name: string, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(updateDomainInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleDomain(tx, actor.ability, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Domain', row));
      assertVersion(row.version, expectedVersion);
      const before = presentDomain(row);
      const data: Prisma.DomainUncheckedUpdateInput = { version: { increment: 1 } };
      // A class given with a move is decided at the new place, where the domain will have it.
      const to = input.parent === undefined ? null : await this.destinationOf(tx, actor, row, input.parent);
      const place = { kind: 'domain', name: row.name, path: to?.path ?? row.path, depth: to?.depth ?? row.depth, classOfServiceId: row.classOfServiceId } as const;
      let classOfServiceId = row.classOfServiceId;
      if (input.classOfService !== undefined) {
        const classOfService = input.classOfService === null ? null : await usableClassOfService(tx, actor.ability, input.classOfService, 'classOfService', place.path);
        await assertAssignable(tx, actor, classOfService, place);
        classOfServiceId = data.classOfServiceId = classOfService?.id ?? null;
      }
      if (input.status) data.status = input.status;
      if (input.branding) {
        if (input.branding.productName !== undefined) data.brandProductName = input.branding.productName;
        if (input.branding.primaryColor !== undefined) data.brandPrimaryColor = input.branding.primaryColor;
        if (input.branding.accentColor !== undefined) data.brandAccentColor = input.branding.accentColor;
      }
      if (to && to.path !== row.path) {
        await assertMovable(tx, actor, row, classOfServiceId, { ...place, name: `${row.name} moved under ${to.parent?.name ?? 'the top level'}` });
        await this.moveUnder(tx, actor, row, to);
      }
      const updated = await tx.domain.updateMany({ where: { id: row.id, version: row.version }, data });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the domain changed while this update ran; read it again and retry');
      await saveToggles(tx, { domainId: row.id }, input.services, actor.principal.name);
      const after = presentDomain(await tx.domain.findUniqueOrThrow({ where: { id: row.id }, include: domainInclude }));
      await this.audit.record(tx, actor, { action: 'domain.update', subjectType: 'Domain', subjectId: row.name, domain: row, before, after });
      return after;
    });
  }

  /** Where a move under `parentName` (null: the top level) puts a domain; refuses cycles and places the actor may not create at. */
  private async destinationOf(tx: Tx, actor: Actor, row: DomainRow, parentName: string | null) {
    const parent = parentName === null ? null : await visibleDomain(tx, actor.ability, parentName).catch(() => {
      throw AppError.invalid('parent', `unknown domain "${parentName}"`);
    });
    if (parent && parent.path.startsWith(row.path)) {
      throw AppError.invalid('parent', `${parentName} is ${row.name} itself or one of its sub-domains: that would make a cycle`);
    }
    const newPath = `${parent?.path ?? '/'}${row.id}/`;
    ForbiddenError.from(actor.ability).throwUnlessCan('create', subject('Domain', { path: `${newPath}`, depth: (parent?.depth ?? -1) + 1 } as never));
    return { parent, path: newPath, depth: (parent?.depth ?? -1) + 1 };
  }

  /**
   * Re-parents a domain: rewrites the paths of its whole subtree, and every copy of them that
   * scoping reads (quarantine, queue, mail events, audit: see domain-paths.ts), so its mail is
   * filed under its new place in this same transaction.
   */
  private async moveUnder(tx: Tx, actor: Actor, row: DomainRow, to: { parent: DomainRow | null; path: string; depth: number }) {
    const { parent, path: newPath } = to;
    const depthDelta = to.depth - row.depth;
    await tx.$executeRaw`
      UPDATE "Domain" SET path = ${newPath} || substr(path, ${row.path.length + 1}), depth = depth + ${depthDelta}
      WHERE path LIKE ${row.path.replace(/[\\%_]/g, '\\$&') + '%'}`;
    await unsafeRewriteDomainPaths(tx, row.path, newPath);
    await tx.domain.update({ where: { id: row.id }, data: { parentId: parent?.id ?? null } });
    const moved = { id: row.id, path: newPath };
    const jobId = await queueDomainPathSweep(tx, actor, moved, row.path);
    await this.audit.record(tx, actor, { action: 'job.create', subjectType: 'Job', subjectId: jobId, domain: moved, after: { id: jobId, kind: DOMAIN_PATHS_JOB, domain: row.name, from: row.path, to: newPath } });
  }

  /**
   * Deletes a domain. One that still holds accounts or sub-domains answers 409, unless
   * staff asks for `force`, which removes the whole subtree with its mailboxes. Everything
   * removed goes as its single delete would: directory entries of a provisioning domain in
   * the same operation (a refusal rolls it all back), one audit entry and webhook event each.
   */
  async remove(actor: Actor, name: string, force = false) {
    // A district's worth of mailboxes, each with a directory round trip or two.
    const options = { timeout: REMOVE_TIMEOUT_MS, maxWait: 30_000 };
    await this.provisioning.transaction(async (tx, directory) => {
      const row = await visibleDomain(tx, actor.ability, name);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Domain', row));
      const subtree = await tx.domain.findMany({ where: { path: { startsWith: row.path } }, include: domainInclude, orderBy: { depth: 'desc' } });
      const ids = subtree.map((d) => d.id);
      const accounts = await tx.account.count({ where: { domainId: { in: ids } } });
      if ((accounts > 0 || ids.length > 1) && !force) {
        throw AppError.conflict(
          `domain ${row.name} still has ${accounts} account(s) and ${ids.length - 1} sub-domain(s); remove them first${actor.ability.can('manage', 'all') ? ' or use ?force=true' : ''}`,
        );
      }
      if (force && !actor.ability.can('manage', 'all')) throw new AppError('FORBIDDEN', 'only platform staff may force the deletion of a domain with its content');
      const inSubtree = { domainId: { in: ids } };
      // Each account, alias, list and group goes as if deleted alone: directory entry, audit, webhook.
      const removed = await deleteDomainContent(tx, directory, ids);
      await tx.domain.updateMany({ where: { id: { in: ids } }, data: { classOfServiceId: null } });
      await tx.classOfService.deleteMany({ where: inSubtree });
      for (const id of ids) await tx.domain.delete({ where: { id } });
      const subDomains = subtree.filter((d) => d.id !== row.id);
      await this.audit.recordMany(tx, actor, [
        ...removed,
        ...subDomains.map((d) => ({ action: 'domain.delete', subjectType: 'Domain', subjectId: d.name, domain: d, before: presentDomain(d) })),
      ]);
      await this.audit.record(tx, actor, {
        action: 'domain.delete',
        subjectType: 'Domain',
        subjectId: row.name,
        domain: row,
        before: { ...presentDomain(row), removedAccounts: accounts, removedSubdomains: ids.length - 1 },
      });
    }, options);
  }
}
