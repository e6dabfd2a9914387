import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { definedOnly, JSONScalar } from '../graphql/common.types.js';
import { JobType } from '../jobs/jobs.resolver.js';
import { MigrationJobsService } from './migration-jobs.service.js';
import { MigrationStateService } from './migration-state.service.js';

@ObjectType('DomainMigration')
export class DomainMigrationType {
  @Field() domain!: string;
  @Field({ description: 'pending, migrating or live' }) state!: string;
  @Field(() => String, { nullable: true, description: 'The old platform (host:port) that takes mail for addresses not imported yet' }) forwardTo!: string | null;
}

/** The migration use cases for GraphQL; the same services as the REST controller. */
@Resolver()
export class MigrationResolver {
  constructor(
    private readonly imports: MigrationJobsService,
    private readonly states: MigrationStateService,
  ) {}

  @Query(() => DomainMigrationType)
  @RequirePermission('read', 'Domain')
  domainMigration(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.states.get(actor, domain);
  }

  @Mutation(() => DomainMigrationType)
  @RequirePermission('update', 'Domain')
  setDomainMigration(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('state') state: string,
    @Args('forwardTo', { type: () => String, nullable: true }) forwardTo?: string | null,
  ) {
    // null clears forwardTo; an absent argument keeps it.
    return this.states.set(actor, domain, forwardTo === undefined ? { state } : { state, forwardTo });
  }

  @Mutation(() => JobType, { description: 'Import accounts from a vpopmail vpasswd file or MySQL CSV export as a job; follow it with `job(id)`' })
  @RequirePermission('create', 'Job')
  importVpopmail(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('format') format: string,
    @Args('content') content: string,
    @Args('valias', { nullable: true }) valias?: string,
    @Args('qmailFiles', { type: () => JSONScalar, nullable: true, description: '[{ name: ".qmail-sales", content }]' }) qmailFiles?: unknown,
    @Args('dryRun', { nullable: true }) dryRun?: boolean,
  ) {
    return this.imports.startVpopmailImport(actor, definedOnly({ domain, format, content, valias, qmailFiles, dryRun }));
  }

  @Mutation(() => JobType, { description: 'Import Maildirs from the server\'s migration directory as a job' })
  @RequirePermission('create', 'Job')
  importMaildir(
    @CurrentActor() actor: Actor,
    @Args('path') path: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('account', { nullable: true }) account?: string,
    @Args('dryRun', { nullable: true }) dryRun?: boolean,
  ) {
    return this.imports.startMaildirImport(actor, definedOnly({ path, domain, account, dryRun }));
  }

  @Mutation(() => JobType, { description: 'Copy every folder of an account from an IMAP server as a job' })
  @RequirePermission('create', 'Job')
  importImap(
    @CurrentActor() actor: Actor,
    @Args('account') account: string,
    @Args('host') host: string,
    @Args('user') user: string,
    @Args('password') password: string,
    @Args('port', { type: () => Int, nullable: true }) port?: number,
    @Args('secure', { nullable: true }) secure?: boolean,
    @Args('verifyCertificate', { nullable: true }) verifyCertificate?: boolean,
    @Args('dryRun', { nullable: true }) dryRun?: boolean,
  ) {
    return this.imports.startImapImport(actor, definedOnly({ account, host, user, password, port, secure, verifyCertificate, dryRun }));
  }
}
