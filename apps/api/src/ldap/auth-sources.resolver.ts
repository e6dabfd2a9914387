import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { definedOnly } from '../graphql/common.types.js';
import { AuthSourcesService } from './auth-sources.service.js';

@ObjectType('AuthSourceAttributes')
export class AuthSourceAttributesType {
  @Field() mail!: string;
  @Field() uid!: string;
  @Field() displayName!: string;
  @Field() mailHost!: string;
  @Field(() => String, { nullable: true }) quota!: string | null;
}

@ObjectType('DomainAuthSource')
export class AuthSourceType {
  @Field() domain!: string;
  @Field() kind!: string;
  @Field(() => String, { nullable: true, description: 'The ancestor domain whose source applies, when the domain has none of its own' }) inheritedFrom!: string | null;
  @Field(() => [String], { nullable: true }) urls?: string[];
  @Field(() => String, { nullable: true }) tlsMode?: string;
  @Field(() => String, { nullable: true }) caPem?: string | null;
  @Field(() => String, { nullable: true }) bindDn?: string | null;
  @Field(() => Boolean, { nullable: true }) hasBindPassword?: boolean;
  @Field(() => String, { nullable: true }) userBase?: string;
  @Field(() => String, { nullable: true }) userFilter?: string;
  @Field(() => AuthSourceAttributesType, { nullable: true }) attributes?: AuthSourceAttributesType;
  @Field(() => Int, { nullable: true }) connectTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) operationTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) cacheSeconds?: number;
  @Field(() => Int, { nullable: true }) version!: number | null;
}

@InputType()
export class AuthSourceAttributesInput {
  @Field({ nullable: true }) mail?: string;
  @Field({ nullable: true }) uid?: string;
  @Field({ nullable: true }) displayName?: string;
  @Field({ nullable: true }) mailHost?: string;
  @Field({ nullable: true }) quota?: string;
}

@InputType()
export class AuthSourceInput {
  @Field({ description: 'local or ldap' }) kind!: string;
  @Field(() => [String], { nullable: true }) urls?: string[];
  @Field({ nullable: true }) tlsMode?: string;
  @Field({ nullable: true }) caPem?: string;
  @Field({ nullable: true }) bindDn?: string;
  @Field({ nullable: true, description: 'Write-only; omitted keeps the stored one' }) bindPassword?: string;
  @Field({ nullable: true, description: 'Forget the stored bind password (anonymous search)' }) clearBindPassword?: boolean;
  @Field({ nullable: true }) userBase?: string;
  @Field({ nullable: true }) userFilter?: string;
  @Field(() => AuthSourceAttributesInput, { nullable: true }) attributes?: AuthSourceAttributesInput;
  @Field(() => Int, { nullable: true }) connectTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) operationTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) cacheSeconds?: number;
}

@ObjectType('DirectoryAttribute')
export class DirectoryAttributeType {
  @Field() name!: string;
  @Field(() => [String]) values!: string[];
}

@ObjectType('DirectoryUser')
export class DirectoryUserType {
  @Field() dn!: string;
  @Field(() => [DirectoryAttributeType]) attributes!: DirectoryAttributeType[];
}

@ObjectType('AuthSourceTestResult')
export class AuthSourceTestResultType {
  @Field() reachable!: boolean;
  @Field(() => DirectoryUserType, { nullable: true, description: 'The entry the user filter found, or null' }) user!: DirectoryUserType | null;
  @Field(() => Boolean, { nullable: true }) passwordAccepted!: boolean | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) elapsedMs!: number;
}

@Resolver(() => AuthSourceType)
export class AuthSourcesResolver {
  constructor(private readonly service: AuthSourcesService) {}

  @Query(() => AuthSourceType)
  @RequirePermission('read', 'Domain')
  domainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.service.get(actor, domain);
  }

  @Mutation(() => AuthSourceType)
  @RequirePermission('update', 'Domain')
  setDomainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: AuthSourceInput) {
    const { clearBindPassword, attributes, ...rest } = definedOnly(input);
    const raw: Record<string, unknown> = { ...rest };
    if (attributes) raw.attributes = definedOnly(attributes);
    if (clearBindPassword) raw.bindPassword = null;
    return this.service.put(actor, domain, raw);
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Domain')
  async deleteDomainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    await this.service.remove(actor, domain);
    return true;
  }

  @Mutation(() => AuthSourceTestResultType)
  @RequirePermission('read', 'Domain')
  async testDomainAuthSource(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('address') address: string,
    @Args('password', { nullable: true }) password?: string,
  ): Promise<AuthSourceTestResultType> {
    const result = await this.service.test(actor, domain, definedOnly({ address, password }));
    const user = result.user && { dn: result.user.dn, attributes: Object.entries(result.user.attributes).map(([name, values]) => ({ name, values })) };
    return { ...result, user };
  }
}
