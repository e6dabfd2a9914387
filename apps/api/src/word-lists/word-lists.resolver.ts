import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { accessibleBy } from '@schoolmail/rbac';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import type { GraphqlContext } from '../graphql/context.js';
import { WordListsService } from './word-lists.service.js';
import type { WordListView } from './word-lists.view.js';
import { WordListTestService } from './word-list-test.service.js';
import { WordListTestResultType } from './word-list-test.types.js';

@ObjectType('WordList')
export class WordListType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field({ description: 'system | domain | account' }) scope!: string;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field(() => String, { nullable: true, description: 'The mailbox of an account list' }) account!: string | null;
  @Field({ description: 'reject | quarantine | tag' }) action!: string;
  @Field({ description: 'inbound | outbound | both' }) direction!: string;
  @Field(() => Int) entryCount!: number;
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const WordListConnection = Connection(WordListType, 'WordListConnection');

@InputType()
export class CreateWordListInput {
  @Field() name!: string;
  @Field({ description: 'system | domain | account' }) scope!: string;
  @Field({ nullable: true }) domain?: string;
  @Field({ nullable: true }) account?: string;
  @Field({ nullable: true }) action?: string;
  @Field({ nullable: true }) direction?: string;
  @Field(() => [String], { nullable: true }) entries?: string[];
}

@InputType()
export class UpdateWordListInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) action?: string;
  @Field({ nullable: true }) direction?: string;
  @Field(() => [String], { nullable: true, description: 'Replaces every entry' }) entries?: string[];
  @Field(() => [String], { nullable: true }) addEntries?: string[];
  @Field(() => [String], { nullable: true }) removeEntries?: string[];
}

@Resolver(() => WordListType)
export class WordListsResolver {
  constructor(
    private readonly service: WordListsService,
    private readonly testService: WordListTestService,
  ) {}

  @Query(() => WordListConnection)
  @RequirePermission('read', 'WordList')
  wordLists(
    @CurrentActor() actor: Actor,
    @Args() page: PageArgs,
    @Args('scope', { nullable: true }) scope?: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('account', { nullable: true }) account?: string,
  ) {
    return this.service.list(actor, definedOnly({ ...page, scope, domain, account }));
  }

  @Query(() => WordListType)
  @RequirePermission('read', 'WordList')
  wordList(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    return this.service.get(actor, id);
  }

  @Query(() => WordListTestResultType, { description: 'Dry run of the word lists that apply to a mailbox on a message; sends nothing' })
  @RequirePermission('read', 'WordList')
  testWordLists(
    @CurrentActor() actor: Actor,
    @Args('account') account: string,
    @Args('raw', { nullable: true, description: 'A raw RFC 5322 message' }) raw?: string,
    @Args('subject', { nullable: true }) subject?: string,
    @Args('body', { nullable: true }) body?: string,
    @Args('direction', { nullable: true, description: 'inbound (default) | outbound' }) direction?: string,
    @Args('sender', { nullable: true, description: 'The envelope sender, for the acceptance policies\' whitelisted senders' }) sender?: string,
    @Args('clientIp', { nullable: true, description: 'The SMTP client address, for the acceptance policies\' trusted networks' }) clientIp?: string,
  ) {
    return this.testService.test(actor, definedOnly({ account, raw, subject, body, direction, sender, clientIp }));
  }

  @Mutation(() => WordListType)
  @RequirePermission('create', 'WordList')
  createWordList(@CurrentActor() actor: Actor, @Args('input') input: CreateWordListInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => WordListType)
  @RequirePermission('update', 'WordList')
  updateWordList(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => Int }) id: number,
    @Args('input') input: UpdateWordListInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return this.service.update(actor, id, definedOnly(input), expectedVersion ?? undefined);
  }

  @Mutation(() => WordListType, { description: 'Merges entries, one per line, into the list' })
  @RequirePermission('update', 'WordList')
  importWordListEntries(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => Int }) id: number,
    @Args('text') text: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return this.service.importEntries(actor, id, { text }, expectedVersion ?? undefined);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'WordList')
  async deleteWordList(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    await this.service.remove(actor, id);
    return true;
  }

  @ResolveField(() => [String], { description: 'The entries, sorted (batched per request for lists)' })
  entries(@Parent() list: WordListView, @Context() context: GraphqlContext) {
    if ('entries' in list && list.entries) return list.entries;
    return context.loaders
      .named<number, string[]>('wordListEntries', async (ids, prisma, request) => {
        const rows = await prisma.wordListEntry.findMany({
          where: { wordListId: { in: [...ids] }, wordList: accessibleBy(request.actor!.ability, 'read').WordList },
          select: { wordListId: true, text: true },
        });
        const byList = new Map<number, string[]>(ids.map((id) => [id, []]));
        for (const row of rows) byList.get(row.wordListId)?.push(row.text);
        return ids.map((id) => byList.get(id)!.sort());
      })
      .load(list.id);
  }
}
