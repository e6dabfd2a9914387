import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { definedOnly } from '../graphql/common.types.js';
import { JobType } from '../jobs/jobs.resolver.js';
import { AccountsImportService } from './accounts-import.service.js';

@Resolver()
export class AccountsImportResolver {
  constructor(private readonly imports: AccountsImportService) {}

  @Mutation(() => JobType, { description: 'Import mailboxes from CSV text (header line first) as a background job; follow it with `job(id)`' })
  @RequirePermission('create', 'Job')
  importAccounts(
    @CurrentActor() actor: Actor,
    @Args('csv') csv: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('dryRun', { nullable: true }) dryRun?: boolean,
  ) {
    return this.imports.start(actor, definedOnly({ csv, domain, dryRun }));
  }
}
