import { Args, Context, Field, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs, ServicesInput, ServicesType } from '../graphql/common.types.js';
import type { GraphqlContext } from '../graphql/context.js';
import { DomainsService, type DomainView } from './domains.service.js';

@ObjectType('Branding')
export class BrandingType {
  @Field(() => String, { nullable: true }) productName!: string | null;
  @Field(() => String, { nullable: true }) primaryColor!: string | null;
  @Field(() => String, { nullable: true }) accentColor!: string | null;
  @Field() hasLogo!: boolean;
}

@ObjectType('Domain')
export class DomainType {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) parent!: string | null;
  @Field(() => Int) depth!: number;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) classOfService!: string | null;
  @Field(() => ServicesType) services!: ServicesType;
  @Field(() => BrandingType) branding!: BrandingType;
  @Field(() => String, { nullable: true }) backendNode!: string | null;
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const DomainConnection = Connection(DomainType, 'DomainConnection');

@InputType()
export class BrandingInput {
  @Field({ nullable: true }) productName?: string;
  @Field({ nullable: true }) primaryColor?: string;
  @Field({ nullable: true }) accentColor?: string;
}

@InputType()
export class CreateDomainInput {
  @Field() name!: string;
  @Field({ nullable: true }) parent?: string;
  @Field({ nullable: true }) classOfService?: string;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field({ nullable: true }) status?: string;
  @Field(() => BrandingInput, { nullable: true }) branding?: BrandingInput;
}

@InputType()
export class UpdateDomainInput {
  @Field({ nullable: true }) parent?: string;
  @Field({ nullable: true, description: 'Detach from its parent (make it a top-level domain)' }) detach?: boolean;
  @Field({ nullable: true }) classOfService?: string;
  @Field({ nullable: true }) clearClassOfService?: boolean;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field({ nullable: true }) status?: string;
  @Field(() => BrandingInput, { nullable: true }) branding?: BrandingInput;
}

@Resolver(() => DomainType)
export class DomainsResolver {
  constructor(private readonly service: DomainsService) {}

  @Query(() => DomainConnection)
  @RequirePermission('read', 'Domain')
  domains(@CurrentActor() actor: Actor, @Args() page: PageArgs, @Args('parent', { nullable: true }) parent?: string) {
    return this.service.list(actor, definedOnly({ ...page, parent }));
  }

  @Query(() => DomainType)
  @RequirePermission('read', 'Domain')
  domain(@CurrentActor() actor: Actor, @Args('name') name: string) {
    return this.service.get(actor, name);
  }

  @Mutation(() => DomainType)
  @RequirePermission('create', 'Domain')
  createDomain(@CurrentActor() actor: Actor, @Args('input') input: CreateDomainInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => DomainType)
  @RequirePermission('update', 'Domain')
  updateDomain(
    @CurrentActor() actor: Actor,
    @Args('name') name: string,
    @Args('input') input: UpdateDomainInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    const { detach, clearClassOfService, ...rest } = definedOnly(input);
    const patch: Record<string, unknown> = { ...rest };
    if (detach) patch.parent = null;
    if (clearClassOfService) patch.classOfService = null;
    return this.service.update(actor, name, patch, expectedVersion ?? undefined);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Domain')
  async deleteDomain(@CurrentActor() actor: Actor, @Args('name') name: string, @Args('force', { nullable: true }) force?: boolean) {
    await this.service.remove(actor, name, force ?? false);
    return true;
  }

  @ResolveField(() => [DomainType], { description: 'Direct sub-domains (batched per request)' })
  subDomains(@Parent() domain: DomainView, @Context() context: GraphqlContext) {
    return context.loaders.subDomains.load(domain.name);
  }
}
