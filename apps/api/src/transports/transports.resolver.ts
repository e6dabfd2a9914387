import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly } from '../graphql/common.types.js';
import { TransportsService } from './transports.service.js';

@ObjectType('Transport')
export class TransportType {
  @Field() domain!: string;
  @Field() nextHop!: string;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const TransportConnection = Connection(TransportType, 'TransportConnection');

@InputType()
export class CreateTransportInput {
  @Field() domain!: string;
  @Field({ description: 'host:port' }) nextHop!: string;
}

@Resolver(() => TransportType)
export class TransportsResolver {
  constructor(private readonly service: TransportsService) {}

  @Query(() => TransportConnection)
  @RequirePermission('read', 'Transport')
  transports(@CurrentActor() actor: Actor, @Args('limit', { type: () => Int, nullable: true }) limit?: number, @Args('cursor', { nullable: true }) cursor?: string) {
    return this.service.list(actor, definedOnly({ limit, cursor }));
  }

  @Query(() => TransportType)
  @RequirePermission('read', 'Transport')
  transport(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.service.get(actor, domain);
  }

  @Mutation(() => TransportType)
  @RequirePermission('create', 'Transport')
  createTransport(@CurrentActor() actor: Actor, @Args('input') input: CreateTransportInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Transport')
  async deleteTransport(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    await this.service.remove(actor, domain);
    return true;
  }
}
