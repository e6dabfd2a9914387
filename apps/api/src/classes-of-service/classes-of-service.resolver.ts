import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs, ServicesInput, ServicesType } from '../graphql/common.types.js';
import { ClassesOfServiceService } from './classes-of-service.service.js';

@ObjectType('ClassOfServiceWordList', { description: 'A word list applied by a class of service' })
export class ClassOfServiceWordListType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
}

@ObjectType('ClassOfService')
export class ClassOfServiceType {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: 'Owner district; null for a platform-wide class' }) domain!: string | null;
  @Field(() => ServicesType) services!: ServicesType;
  @Field(() => Int) maxMessageSizeKb!: number;
  @Field(() => Int) mailboxQuotaMb!: number;
  @Field(() => Int) maxRecipients!: number;
  @Field(() => Int, { nullable: true }) sendingRatePerHour!: number | null;
  @Field(() => [ClassOfServiceWordListType]) wordLists!: ClassOfServiceWordListType[];
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType('ClassOfServiceImpact', { description: 'This change affects `accounts` accounts in `domains` domains' })
export class ClassOfServiceImpactType {
  @Field(() => Int) accounts!: number;
  @Field(() => Int) domains!: number;
}

export const ClassOfServiceConnection = Connection(ClassOfServiceType, 'ClassOfServiceConnection');

@InputType()
export class CreateClassOfServiceInput {
  @Field() name!: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field(() => Int) maxMessageSizeKb!: number;
  @Field(() => Int) mailboxQuotaMb!: number;
  @Field(() => Int) maxRecipients!: number;
  @Field(() => Int, { nullable: true }) sendingRatePerHour?: number;
  @Field({ nullable: true, description: 'Owner district; omit (staff only) for a platform-wide class' }) domain?: string;
  @Field(() => [Int], { nullable: true }) wordLists?: number[];
}

@InputType()
export class UpdateClassOfServiceInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) clearDescription?: boolean;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field(() => Int, { nullable: true }) maxMessageSizeKb?: number;
  @Field(() => Int, { nullable: true }) mailboxQuotaMb?: number;
  @Field(() => Int, { nullable: true }) maxRecipients?: number;
  @Field(() => Int, { nullable: true }) sendingRatePerHour?: number;
  @Field({ nullable: true, description: 'Remove the sending rate limit' }) clearSendingRate?: boolean;
  @Field(() => [Int], { nullable: true }) wordLists?: number[];
}

@Resolver(() => ClassOfServiceType)
export class ClassesOfServiceResolver {
  constructor(private readonly service: ClassesOfServiceService) {}

  @Query(() => ClassOfServiceConnection)
  @RequirePermission('read', 'ClassOfService')
  classesOfService(@CurrentActor() actor: Actor, @Args() page: PageArgs, @Args('domain', { nullable: true }) domain?: string) {
    return this.service.list(actor, definedOnly({ ...page, domain }));
  }

  @Query(() => ClassOfServiceType)
  @RequirePermission('read', 'ClassOfService')
  classOfService(@CurrentActor() actor: Actor, @Args('name') name: string) {
    return this.service.get(actor, name);
  }

  @Query(() => ClassOfServiceImpactType)
  @RequirePermission('read', 'ClassOfService')
  classOfServiceImpact(@CurrentActor() actor: Actor, @Args('name') name: string) {
    return this.service.impact(actor, name);
  }

  @Mutation(() => ClassOfServiceType)
  @RequirePermission('create', 'ClassOfService')
  createClassOfService(@CurrentActor() actor: Actor, @Args('input') input: CreateClassOfServiceInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => ClassOfServiceType)
  @RequirePermission('update', 'ClassOfService')
  updateClassOfService(
    @CurrentActor() actor: Actor,
    @Args('name') name: string,
    @Args('input') input: UpdateClassOfServiceInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    const { clearDescription, clearSendingRate, ...rest } = definedOnly(input);
    const patch: Record<string, unknown> = { ...rest };
    if (clearDescription) patch.description = null;
    if (clearSendingRate) patch.sendingRatePerHour = null;
    return this.service.update(actor, name, patch, expectedVersion ?? undefined);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'ClassOfService')
  async deleteClassOfService(@CurrentActor() actor: Actor, @Args('name') name: string) {
    await this.service.remove(actor, name);
    return true;
  }
}
