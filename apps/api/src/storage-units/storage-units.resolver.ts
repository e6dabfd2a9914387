import { Args, Field, Float, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import { StorageUnitsService } from './storage-units.service.js';

@ObjectType('StorageUnit')
export class StorageUnitType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field() directory!: string;
  @Field() state!: string;
  @Field(() => Float) capacityBytes!: number;
  @Field(() => Float) usedBytes!: number;
  @Field(() => Float) freeBytes!: number;
  @Field(() => Int) blobCount!: number;
  @Field(() => [String]) domains!: string[];
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType('StorageProblem')
export class StorageProblemType {
  @Field(() => Int) id!: number;
  @Field() kind!: string;
  @Field() detail!: string;
  @Field(() => String, { nullable: true }) blobId!: string | null;
  @Field(() => String, { nullable: true }) isolatedPath!: string | null;
  @Field() detectedAt!: string;
  @Field(() => String, { nullable: true }) resolvedAt!: string | null;
}

export const StorageUnitConnection = Connection(StorageUnitType, 'StorageUnitConnection');
export const StorageProblemConnection = Connection(StorageProblemType, 'StorageProblemConnection');

@InputType()
export class CreateStorageUnitInput {
  @Field() name!: string;
  @Field() directory!: string;
  @Field(() => Float, { nullable: true, description: 'GiB (2^30 bytes)' }) capacityGb?: number;
  @Field(() => Float, { nullable: true }) capacityBytes?: number;
  @Field({ nullable: true, description: 'active (default), read_only or draining' }) state?: string;
  @Field(() => [String], { nullable: true }) domains?: string[];
}

@InputType()
export class UpdateStorageUnitInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => Float, { nullable: true }) capacityGb?: number;
  @Field(() => Float, { nullable: true }) capacityBytes?: number;
  @Field({ nullable: true }) state?: string;
  @Field(() => [String], { nullable: true, description: 'Replaces the domains the unit serves' }) domains?: string[];
}

@Resolver(() => StorageUnitType)
export class StorageUnitsResolver {
  constructor(private readonly service: StorageUnitsService) {}

  @Query(() => StorageUnitConnection)
  @RequirePermission('read', 'StorageUnit')
  storageUnits(@CurrentActor() actor: Actor, @Args() page: PageArgs) {
    return this.service.list(actor, definedOnly({ ...page }));
  }

  @Query(() => StorageUnitType)
  @RequirePermission('read', 'StorageUnit')
  storageUnit(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    return this.service.get(actor, id);
  }

  @Query(() => StorageProblemConnection)
  @RequirePermission('read', 'StorageUnit')
  storageUnitProblems(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => Int }) id: number,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('unresolved', { nullable: true }) unresolved?: boolean,
  ) {
    return this.service.problems(actor, id, definedOnly({ limit, cursor, unresolved }));
  }

  @Mutation(() => StorageUnitType)
  @RequirePermission('create', 'StorageUnit')
  createStorageUnit(@CurrentActor() actor: Actor, @Args('input') input: CreateStorageUnitInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => StorageProblemType, { description: 'Mark a problem resolved once an operator has dealt with it; resolving it again changes nothing' })
  @RequirePermission('update', 'StorageUnit')
  resolveStorageProblem(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number, @Args('problemId', { type: () => Int }) problemId: number) {
    return this.service.resolveProblem(actor, id, problemId);
  }

  @Mutation(() => StorageUnitType)
  @RequirePermission('update', 'StorageUnit')
  updateStorageUnit(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => Int }) id: number,
    @Args('input') input: UpdateStorageUnitInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return this.service.update(actor, id, definedOnly(input), expectedVersion ?? undefined);
  }
}
