import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import type { GraphqlContext } from '../graphql/context.js';
import { MailingListsService, membersOfLists, type ListMemberView, type MailingListView } from './mailing-lists.service.js';

@ObjectType('MailingListMember')
export class MailingListMemberType {
  @Field() address!: string;
  @Field() isOwner!: boolean;
  @Field() addedAt!: string;
}

@ObjectType('MailingList')
export class MailingListType {
  @Field() address!: string;
  @Field() localPart!: string;
  @Field() domain!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field({ description: 'Who may post: anyone, members or owners' }) postingPolicy!: string;
  @Field(() => Int) memberCount!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const MailingListConnection = Connection(MailingListType, 'MailingListConnection');
export const MailingListMemberConnection = Connection(MailingListMemberType, 'MailingListMemberConnection');

@InputType('CreateMailingListInput')
export class CreateMailingListInput {
  @Field() localPart!: string;
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true, description: 'anyone, members (default) or owners' }) postingPolicy?: string;
  @Field(() => [String], { nullable: true }) members?: string[];
}

@InputType('UpdateMailingListInput')
export class UpdateMailingListInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true, description: 'Remove the name' }) clearName?: boolean;
  @Field({ nullable: true }) postingPolicy?: string;
}

@Resolver(() => MailingListType)
export class MailingListsResolver {
  constructor(private readonly service: MailingListsService) {}

  @Query(() => MailingListConnection)
  @RequirePermission('read', 'MailingList')
  mailingLists(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args() page: PageArgs) {
    return this.service.list(actor, domain, definedOnly({ ...page }));
  }

  @Query(() => MailingListType)
  @RequirePermission('read', 'MailingList')
  mailingList(@CurrentActor() actor: Actor, @Args('address') address: string) {
    return this.service.get(actor, address);
  }

  @Query(() => MailingListMemberConnection)
  @RequirePermission('read', 'MailingList')
  mailingListMembers(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.members(actor, address, definedOnly({ limit, cursor }));
  }

  @Mutation(() => MailingListType)
  @RequirePermission('create', 'MailingList')
  createMailingList(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: CreateMailingListInput) {
    return this.service.create(actor, domain, definedOnly(input));
  }

  @Mutation(() => MailingListType)
  @RequirePermission('update', 'MailingList')
  updateMailingList(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('input') input: UpdateMailingListInput) {
    const { clearName, ...rest } = definedOnly(input);
    return this.service.update(actor, address, clearName ? { ...rest, name: null } : rest);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'MailingList')
  async deleteMailingList(@CurrentActor() actor: Actor, @Args('address') address: string) {
    await this.service.remove(actor, address);
    return true;
  }

  @Mutation(() => MailingListMemberType, { description: 'Idempotent: adding an existing member changes only its owner flag, when given' })
  @RequirePermission('update', 'MailingList')
  async addMailingListMember(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('member') member: string,
    @Args('isOwner', { nullable: true }) isOwner?: boolean,
  ) {
    return (await this.service.putMember(actor, address, member, definedOnly({ isOwner }))).member;
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'MailingList')
  async removeMailingListMember(@CurrentActor() actor: Actor, @Args('address') address: string, @Args('member') member: string) {
    await this.service.removeMember(actor, address, member);
    return true;
  }

  @ResolveField(() => [MailingListMemberType], { description: 'All members, by address (batched per request)' })
  members(@Parent() list: MailingListView, @Context() context: GraphqlContext) {
    // Whoever could read the list could read its members: no further filter is needed.
    return context.loaders.named<string, ListMemberView[]>('mailingListMembers', (keys, prisma) => membersOfLists(prisma, keys)).load(list.address);
  }
}
