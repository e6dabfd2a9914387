import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('WordListMatch')
export class WordListMatchType {
  @Field(() => Int) listId!: number;
  @Field() listName!: string;
  @Field(() => String, { nullable: true, description: 'The entry as the list stores it; null for a list whose entries you may not read' }) entry!: string | null;
  @Field({ description: 'reject | quarantine | tag' }) action!: string;
  @Field({ description: 'subject | text | html | attachment-name' }) where!: string;
  @Field(() => Int, { description: 'UTF-16 offset in the decoded text of `where`' }) start!: number;
  @Field(() => Int) end!: number;
  @Field({ description: 'The original text of the match' }) matched!: string;
  @Field() excerpt!: string;
}

@ObjectType('WordListTestList')
export class WordListTestListType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field() scope!: string;
  @Field() action!: string;
  @Field(() => String, { nullable: true, description: 'Set on the lists that were checked' }) direction?: string;
}

@ObjectType('WordListTestWaived')
export class WordListTestWaivedType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field() scope!: string;
  @Field() action!: string;
  @Field() direction!: string;
  @Field({ description: 'The acceptance-policy waiver that skips it, e.g. "whitelisted sender @partner.org at domain district1.k12.us"' }) reason!: string;
}

@ObjectType('WordListTestResult')
export class WordListTestResultType {
  @Field() account!: string;
  @Field({ description: 'inbound | outbound' }) direction!: string;
  @Field(() => String, { nullable: true, description: 'The strictest action of the matching lists, null when none matched' }) action!: string | null;
  @Field(() => [WordListMatchType]) matches!: WordListMatchType[];
  @Field({ description: 'More matches were found than listed' }) truncated!: boolean;
  @Field(() => [WordListTestListType], { description: 'The lists that matched' }) lists!: WordListTestListType[];
  @Field(() => [WordListTestListType], { description: 'Every list that applies to the account and direction' }) checked!: WordListTestListType[];
  @Field(() => [WordListTestWaivedType], { description: 'Lists of the account and direction that an acceptance policy skips for the given sender or client address' })
  waived!: WordListTestWaivedType[];
}
