import { Args, Field, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Authenticated, RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import { PermissionSetsService } from './permission-sets.service.js';

@ObjectType('PermissionRef', { description: 'An action on a subject, e.g. update Account' })
export class PermissionRefType {
  @Field() action!: string;
  @Field() subject!: string;
}

@ObjectType('Permission')
export class PermissionType {
  @Field() action!: string;
  @Field() subject!: string;
  @Field() description!: string;
  @Field(() => [PermissionRefType]) requires!: PermissionRefType[];
  @Field({ description: 'Whether I hold it somewhere, so could put it in a set' }) grantable!: boolean;
}

@ObjectType('PermissionSet')
export class PermissionSetType {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [PermissionRefType]) permissions!: PermissionRefType[];
  @Field(() => String, { nullable: true, description: 'Owning domain; null = platform-wide' }) domain!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

const PermissionSetConnection = Connection(PermissionSetType, 'PermissionSetConnection');

@InputType()
export class PermissionInput {
  @Field() action!: string;
  @Field() subject!: string;
}

@InputType()
export class CreatePermissionSetInput {
  @Field() name!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => [PermissionInput]) permissions!: PermissionInput[];
  @Field({ nullable: true }) domain?: string;
}

@InputType()
export class UpdatePermissionSetInput {
  @Field({ nullable: true }) description?: string;
  @Field(() => [PermissionInput], { nullable: true }) permissions?: PermissionInput[];
}

/** GraphQL hands input objects over as class instances; the zod schemas expect plain data. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

@Resolver(() => PermissionSetType)
export class PermissionSetsResolver {
  constructor(private readonly service: PermissionSetsService) {}

  @Query(() => PermissionSetConnection)
  @RequirePermission('read', 'PermissionSet')
  permissionSets(@CurrentActor() actor: Actor, @Args() page: PageArgs) {
    return this.service.list(actor, definedOnly({ ...page }));
  }

  @Query(() => PermissionSetType)
  @RequirePermission('read', 'PermissionSet')
  permissionSet(@CurrentActor() actor: Actor, @Args('name') name: string) {
    return this.service.get(actor, name);
  }

  @Query(() => [PermissionType])
  @Authenticated()
  permissions(@CurrentActor() actor: Actor) {
    return this.service.registry(actor).items;
  }

  @Mutation(() => PermissionSetType)
  @RequirePermission('create', 'PermissionSet')
  createPermissionSet(@CurrentActor() actor: Actor, @Args('input') input: CreatePermissionSetInput) {
    return this.service.create(actor, plain(definedOnly(input)));
  }

  @Mutation(() => PermissionSetType)
  @RequirePermission('update', 'PermissionSet')
  updatePermissionSet(@CurrentActor() actor: Actor, @Args('name') name: string, @Args('input') input: UpdatePermissionSetInput) {
    return this.service.update(actor, name, plain(definedOnly(input)));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'PermissionSet')
  async deletePermissionSet(@CurrentActor() actor: Actor, @Args('name') name: string) {
    await this.service.remove(actor, name);
    return true;
  }
}
