import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, subject } from '@schoolmail/rbac';
import { PRISMA, type Database } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { visibleDomain } from '../domains/domains.service.js';
import { migrationStateInput } from './migration.schemas.js';

type DomainMigration = { name: string; migrationState: string; migrationForwardTo: string | null };

function presentMigration(row: DomainMigration) {
  return { domain: row.name, state: row.migrationState, forwardTo: row.migrationForwardTo };
}

/**
 * A domain's move from the old platform, at its own pace: `pending` (nothing moved yet),
 * `migrating` (accounts arrive in batches; mail for addresses without an account here is
 * forwarded to `forwardTo`, the old platform, instead of refused), `live` (everything is here).
 */
@Injectable()
export class MigrationStateService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, domainName: string) {
    return presentMigration(await visibleDomain(this.prisma, actor.ability, domainName));
  }

  async set(actor: Actor, domainName: string, rawInput: unknown) {
    const input = parseInput(migrationStateInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await visibleDomain(tx, actor.ability, domainName);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Domain', domain as never));
      const forwardTo = input.forwardTo === undefined ? domain.migrationForwardTo : input.forwardTo;
      if (input.state === 'migrating' && !forwardTo) {
        throw AppError.invalid('forwardTo', 'is required while migrating: the old platform (host:port) that takes mail for addresses not imported yet');
      }
      const updated = await tx.domain.update({
        where: { id: domain.id },
        data: { migrationState: input.state, migrationForwardTo: forwardTo, version: { increment: 1 } },
      });
      const after = presentMigration(updated);
      await this.audit.record(tx, actor, { action: 'domain.migration', subjectType: 'Domain', subjectId: domain.name, domain, before: presentMigration(domain), after });
      return after;
    });
  }
}
