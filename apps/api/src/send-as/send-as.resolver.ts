import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly } from '../graphql/common.types.js';
import { SendAsService } from './send-as.service.js';

@ObjectType('SendAsGrant', { description: 'An address (group or other account) an account may use as sender' })
export class SendAsGrantType {
  @Field() account!: string;
  @Field() address!: string;
  @Field(() => String, { nullable: true, description: 'account or group (null once the address has no owner any more)' }) kind!: string | null;
  @Field() createdAt!: string;
}

export const SendAsGrantConnection = Connection(SendAsGrantType, 'SendAsGrantConnection');

@Resolver(() => SendAsGrantType)
export class SendAsResolver {
  constructor(private readonly service: SendAsService) {}

  @Query(() => SendAsGrantConnection)
  @RequirePermission('read', 'Account')
  sendAsGrants(
    @CurrentActor() actor: Actor,
    @Args('account') account: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.list(actor, account, definedOnly({ limit, cursor }));
  }

  @Mutation(() => SendAsGrantType)
  @RequirePermission('update', 'Account')
  grantSendAs(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('address') address: string) {
    return this.service.grant(actor, account, { address });
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Account')
  async revokeSendAs(@CurrentActor() actor: Actor, @Args('account') account: string, @Args('address') address: string) {
    await this.service.revoke(actor, account, address);
    return true;
  }
}
