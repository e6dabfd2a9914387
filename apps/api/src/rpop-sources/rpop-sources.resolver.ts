import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly } from '../graphql/common.types.js';
import { RpopSourcesService } from './rpop-sources.service.js';

@ObjectType('RpopSource', { description: 'A remote POP3 mailbox collected into an account (the password is never shown)' })
export class RpopSourceType {
  @Field(() => Int) id!: number;
  @Field() account!: string;
  @Field() host!: string;
  @Field(() => Int) port!: number;
  @Field({ description: 'none, starttls or implicit' }) tls!: string;
  @Field() username!: string;
  @Field(() => Int) intervalSeconds!: number;
  @Field() leaveOnServer!: boolean;
  @Field() nextRunAt!: string;
  @Field(() => String, { nullable: true }) lastRunAt!: string | null;
  @Field(() => String, { nullable: true }) lastSuccessAt!: string | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int) consecutiveFailures!: number;
  @Field(() => Int) fetchedCount!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const RpopSourceConnection = Connection(RpopSourceType, 'RpopSourceConnection');

@InputType()
export class CreateRpopSourceInput {
  @Field() host!: string;
  @Field(() => Int, { nullable: true }) port?: number;
  @Field({ nullable: true }) tls?: string;
  @Field() username!: string;
  @Field() password!: string;
  @Field(() => Int, { nullable: true }) intervalSeconds?: number;
  @Field({ nullable: true }) leaveOnServer?: boolean;
}

@InputType()
export class UpdateRpopSourceInput {
  @Field({ nullable: true }) host?: string;
  @Field(() => Int, { nullable: true }) port?: number;
  @Field({ nullable: true }) tls?: string;
  @Field({ nullable: true }) username?: string;
  @Field({ nullable: true }) password?: string;
  @Field(() => Int, { nullable: true }) intervalSeconds?: number;
  @Field({ nullable: true }) leaveOnServer?: boolean;
}

@Resolver(() => RpopSourceType)
export class RpopSourcesResolver {
  constructor(private readonly service: RpopSourcesService) {}

  @Query(() => RpopSourceConnection)
  @RequirePermission('read', 'RpopSource')
  rpopSources(
    @CurrentActor() actor: Actor,
    @Args('account') account: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.list(actor, account, definedOnly({ limit, cursor }));
  }

  @Query(() => RpopSourceType)
  @RequirePermission('read', 'RpopSource')
  rpopSource(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('id', { type: () => Int }) id: number) {
    return this.service.get(actor, account, id);
  }

  @Mutation(() => RpopSourceType)
  @RequirePermission('create', 'RpopSource')
  createRpopSource(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('input') input: CreateRpopSourceInput) {
    return this.service.create(actor, account, definedOnly(input));
  }

  @Mutation(() => RpopSourceType)
  @RequirePermission('update', 'RpopSource')
  updateRpopSource(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('id', { type: () => Int }) id: number, @Args('input') input: UpdateRpopSourceInput) {
    return this.service.update(actor, account, id, definedOnly(input));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'RpopSource')
  async deleteRpopSource(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('id', { type: () => Int }) id: number) {
    await this.service.remove(actor, account, id);
    return true;
  }
}
