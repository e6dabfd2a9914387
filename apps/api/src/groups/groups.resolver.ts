import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import type { GraphqlContext } from '../graphql/context.js';
import { GroupsService, membersOfGroups, type GroupMemberView, type GroupView } from './groups.service.js';

@ObjectType('GroupMember', { description: 'An account that belongs to a group' })
export class GroupMemberType {
  @Field() address!: string;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field() domain!: string;
  @Field() addedAt!: string;
}

@ObjectType('Group')
export class GroupType {
  @Field() address!: string;
  @Field() localPart!: string;
  @Field() domain!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Int) memberCount!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const GroupConnection = Connection(GroupType, 'GroupConnection');
export const GroupMemberConnection = Connection(GroupMemberType, 'GroupMemberConnection');

@InputType('CreateGroupInput')
export class CreateGroupInput {
  @Field() localPart!: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => [String], { nullable: true, description: 'Addresses of existing accounts' }) members?: string[];
}

@InputType('UpdateGroupInput')
export class UpdateGroupInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true, description: 'Remove the name' }) clearName?: boolean;
}

@Resolver(() => GroupType)
export class GroupsResolver {
  constructor(private readonly service: GroupsService) {}

  @Query(() => GroupConnection)
  @RequirePermission('read', 'Group')
  groups(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args() page: PageArgs) {
    return this.service.list(actor, domain, definedOnly({ ...page }));
  }

  @Query(() => GroupType)
  @RequirePermission('read', 'Group')
  group(@CurrentActor() actor: Actor, @Args('address') address: string) {
    return this.service.get(actor, address);
  }

  @Query(() => GroupMemberConnection)
  @RequirePermission('read', 'Group')
  groupMembers(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.members(actor, address, definedOnly({ limit, cursor }));
  }

  @Mutation(() => GroupType)
  @RequirePermission('create', 'Group')
  createGroup(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: CreateGroupInput) {
    return this.service.create(actor, domain, definedOnly(input));
  }

  @Mutation(() => GroupType)
  @RequirePermission('update', 'Group')
  updateGroup(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('input') input: UpdateGroupInput) {
    const { clearName, ...rest } = definedOnly(input);
    return this.service.update(actor, address, clearName ? { ...rest, name: null } : rest);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Group')
  async deleteGroup(@CurrentActor() actor: Actor, @Args('address') address: string) {
    await this.service.remove(actor, address);
    return true;
  }

  @Mutation(() => GroupMemberType, { description: 'Idempotent: adding an existing member changes nothing' })
  @RequirePermission('update', 'Group')
  async addGroupMember(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('member') member: string) {
    return (await this.service.putMember(actor, address, member)).member;
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Group')
  async removeGroupMember(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('member') member: string) {
    await this.service.removeMember(actor, address, member);
    return true;
  }

  @ResolveField(() => [GroupMemberType], { description: 'The member accounts I can see, by address (batched per request)' })
  members(@Parent() group: GroupView, @Context() context: GraphqlContext) {
    return context.loaders
      .named<string, GroupMemberView[]>('groupMembers', (keys, prisma, request) => membersOfGroups(prisma, request.actor!.ability, keys))
      .load(group.address);
  }
}
