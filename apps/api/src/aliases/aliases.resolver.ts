import { Args, Field, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import { AliasesService } from './aliases.service.js';

@ObjectType('Alias')
export class AliasType {
  @Field() address!: string;
  @Field() localPart!: string;
  @Field() domain!: string;
  @Field(() => [String]) targets!: string[];
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const AliasConnection = Connection(AliasType, 'AliasConnection');

@InputType('CreateAliasInput')
export class CreateAliasInput {
  @Field() localPart!: string;
  @Field(() => [String]) targets!: string[];
}

@InputType('UpdateAliasInput')
export class UpdateAliasInput {
  @Field(() => [String]) targets!: string[];
}

@Resolver(() => AliasType)
export class AliasesResolver {
  constructor(private readonly service: AliasesService) {}

  @Query(() => AliasConnection)
  @RequirePermission('read', 'Alias')
  aliases(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args() page: PageArgs) {
    return this.service.list(actor, domain, definedOnly({ ...page }));
  }

  @Query(() => AliasType)
  @RequirePermission('read', 'Alias')
  alias(@CurrentActor() actor: Actor, @Args('address') address: string) {
    return this.service.get(actor, address);
  }

  @Mutation(() => AliasType)
  @RequirePermission('create', 'Alias')
  createAlias(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: CreateAliasInput) {
    return this.service.create(actor, domain, definedOnly(input));
  }

  @Mutation(() => AliasType)
  @RequirePermission('update', 'Alias')
  updateAlias(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('input') input: UpdateAliasInput) {
    return this.service.update(actor, address, definedOnly(input));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Alias')
  async deleteAlias(@CurrentActor() actor: Actor, @Args('address') address: string) {
    await this.service.remove(actor, address);
    return true;
  }
}
