import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly } from '../graphql/common.types.js';
import { QueueService } from './queue.service.js';

@ObjectType('QueueEntry')
export class QueueEntryType {
  @Field() id!: string;
  @Field({ description: 'The message id (the "queued as" id)' }) queueId!: string;
  @Field() sender!: string;
  @Field() recipient!: string;
  @Field() remoteDomain!: string;
  @Field(() => Int) size!: number;
  @Field() state!: string;
  @Field(() => Int) attempts!: number;
  @Field() nextAttemptAt!: string;
  @Field(() => String, { nullable: true }) lastAttemptAt!: string | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field({ description: 'A bounce was asked for: the report is being sent' }) bouncing!: boolean;
  @Field(() => String, { nullable: true }) expiresAt!: string | null;
  @Field() createdAt!: string;
}

@ObjectType('QueueMessage')
export class QueueMessageType {
  @Field(() => String, { nullable: true }) clientIp!: string | null;
  @Field(() => String, { nullable: true }) authUser!: string | null;
  @Field() isBounce!: boolean;
  @Field(() => String, { nullable: true }) headers!: string | null;
}

@ObjectType('QueueEntryDetail')
export class QueueEntryDetailType extends QueueEntryType {
  @Field(() => QueueMessageType) message!: QueueMessageType;
}

@ObjectType('QueueActionResult')
export class QueueActionResultType {
  @Field(() => Int) affected!: number;
  @Field(() => [String], { nullable: true, description: 'Of the ids given, those not found in your scope (gone, or not yours to see); null for a filter' })
  notFound?: string[];
}

@ObjectType('RemoteDomain')
export class RemoteDomainType {
  @Field() domain!: string;
  @Field() state!: string;
  @Field(() => String, { nullable: true }) heldSince!: string | null;
  @Field(() => String, { nullable: true }) heldBy!: string | null;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => String, { nullable: true }) lastAttemptAt!: string | null;
  @Field(() => String, { nullable: true }) lastSuccessAt!: string | null;
  @Field(() => String, { nullable: true }) nextProbeAt!: string | null;
  @Field(() => Int) queued!: number;
}

export const QueueEntryConnection = Connection(QueueEntryType, 'QueueEntryConnection');
export const RemoteDomainConnection = Connection(RemoteDomainType, 'RemoteDomainConnection');

@InputType()
export class QueueFilterInput {
  @Field({ nullable: true }) sender?: string;
  @Field({ nullable: true }) recipient?: string;
  @Field({ nullable: true }) remoteDomain?: string;
  @Field(() => Int, { nullable: true }) minSize?: number;
  @Field(() => Int, { nullable: true }) maxSize?: number;
  @Field(() => Int, { nullable: true }) minAttempts?: number;
  @Field(() => Int, { nullable: true }) maxAttempts?: number;
  @Field({ nullable: true, description: 'queued, deferred, held or delivering' }) state?: string;
  @Field({ nullable: true, description: 'A duration (30m, 1h, 2d) or an ISO date' }) olderThan?: string;
  @Field({ nullable: true, description: 'A duration (30m, 1h, 2d) or an ISO date' }) newerThan?: string;
}

@Resolver()
export class QueueResolver {
  constructor(private readonly service: QueueService) {}

  @Query(() => QueueEntryConnection)
  @RequirePermission('read', 'QueueEntry')
  queueEntries(
    @CurrentActor() actor: Actor,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('filter', { type: () => QueueFilterInput, nullable: true }) filter?: QueueFilterInput,
  ) {
    return this.service.list(actor, definedOnly({ limit, cursor, ...definedOnly(filter ?? {}) }));
  }

  @Query(() => QueueEntryDetailType)
  @RequirePermission('read', 'QueueEntry')
  queueEntry(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.get(actor, id);
  }

  @Mutation(() => QueueActionResultType)
  @RequirePermission('update', 'QueueEntry')
  queueAction(
    @CurrentActor() actor: Actor,
    @Args('action') action: string,
    @Args('ids', { type: () => [String], nullable: true }) ids?: string[],
    @Args('filter', { type: () => QueueFilterInput, nullable: true }) filter?: QueueFilterInput,
  ) {
    return this.service.act(actor, definedOnly({ action, ids, filter: filter ? definedOnly(filter) : undefined }));
  }

  @Query(() => RemoteDomainConnection)
  @RequirePermission('read', 'QueueEntry')
  remoteDomains(
    @CurrentActor() actor: Actor,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('state', { nullable: true }) state?: string,
  ) {
    return this.service.remoteDomains(actor, definedOnly({ limit, cursor, state }));
  }

  @Mutation(() => RemoteDomainType)
  @RequirePermission('update', 'RemoteDomain')
  holdRemoteDomain(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.service.hold(actor, domain);
  }

  @Mutation(() => RemoteDomainType)
  @RequirePermission('update', 'RemoteDomain')
  releaseRemoteDomain(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.service.release(actor, domain);
  }
}
