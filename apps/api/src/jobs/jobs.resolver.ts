import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, JSONScalar } from '../graphql/common.types.js';
import { JobsService } from './jobs.service.js';

@ObjectType('Job')
export class JobType {
  @Field() id!: string;
  @Field() kind!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field() createdBy!: string;
  @Field() dryRun!: boolean;
  @Field(() => Int, { nullable: true }) total!: number | null;
  @Field(() => Int) processed!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) skipped!: number;
  @Field(() => Int, { nullable: true }) percent!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) finishedAt!: string | null;
}

@ObjectType('JobReportRow')
export class JobReportRowType {
  @Field(() => Int) row!: number;
  @Field(() => String, { nullable: true }) key?: string | null;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) field?: string;
  @Field() reason!: string;
}

@ObjectType('JobReport')
export class JobReportType {
  @Field(() => JobType) job!: JobType;
  @Field(() => [JobReportRowType]) rows!: JobReportRowType[];
  @Field(() => Int) omitted!: number;
  @Field(() => JSONScalar, { nullable: true }) summary!: unknown;
}

const JobConnection = Connection(JobType, 'JobConnection');

@Resolver(() => JobType)
export class JobsResolver {
  constructor(private readonly service: JobsService) {}

  @Query(() => JobConnection)
  @RequirePermission('read', 'Job')
  jobs(
    @CurrentActor() actor: Actor,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('status', { nullable: true }) status?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.list(actor, definedOnly({ kind, status, limit, cursor }));
  }

  @Query(() => JobType)
  @RequirePermission('read', 'Job')
  job(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.get(actor, id);
  }

  @Query(() => JobReportType)
  @RequirePermission('read', 'Job')
  jobReport(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.report(actor, id);
  }

  @Mutation(() => JobType)
  @RequirePermission('update', 'Job')
  cancelJob(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.cancel(actor, id);
  }
}
