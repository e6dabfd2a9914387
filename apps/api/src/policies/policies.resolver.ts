import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { AppError } from '../common/errors.js';
import { Connection, definedOnly } from '../graphql/common.types.js';
import { PoliciesService } from './policies.service.js';
import { POLICY_LEVELS, type PolicyLevelName } from './policy.schemas.js';

@ObjectType('AcceptancePolicy', {
  description:
    'Whitelisted senders and trusted networks (they skip the content rules owned at this level or narrower, never a wider level\'s: a domain\'s never skip the system word lists) and the attachment limit of one level',
})
export class AcceptancePolicyType {
  @Field({ description: 'server, domain, group or account' }) level!: string;
  @Field(() => String, { nullable: true, description: 'The domain of the target (null for the server)' }) domain!: string | null;
  @Field(() => String, { nullable: true }) group!: string | null;
  @Field(() => String, { nullable: true }) account!: string | null;
  @Field(() => [String]) whitelistedSenders!: string[];
  @Field(() => [String]) trustedNetworks!: string[];
  @Field(() => Int, { nullable: true }) maxAttachmentKb!: number | null;
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

export const AcceptancePolicyConnection = Connection(AcceptancePolicyType, 'AcceptancePolicyConnection');

@InputType('AcceptancePolicyInput', { description: 'The whole policy of a level (omitted lists are emptied)' })
export class AcceptancePolicyInput {
  @Field(() => [String], { nullable: true, description: 'Addresses, @domain or *@domain' }) whitelistedSenders?: string[];
  @Field(() => [String], { nullable: true, description: 'CIDR networks, IPv4 or IPv6' }) trustedNetworks?: string[];
  @Field(() => Int, { nullable: true, description: 'null or omitted: no limit at this level' }) maxAttachmentKb?: number;
}

/** The level and target of a GraphQL call, checked like the REST paths are. */
function levelAndTarget(level: string, target: string | null | undefined): [PolicyLevelName, string | null] {
  if (!(POLICY_LEVELS as readonly string[]).includes(level)) throw AppError.invalid('level', `must be one of ${POLICY_LEVELS.join(', ')}`);
  if (level === 'server') return ['server', null];
  if (!target) throw AppError.invalid('target', `is required for level ${level} (the domain name or the address)`);
  return [level as PolicyLevelName, target];
}

@Resolver(() => AcceptancePolicyType)
export class PoliciesResolver {
  constructor(private readonly service: PoliciesService) {}

  @Query(() => AcceptancePolicyConnection)
  @RequirePermission('read', 'Domain')
  acceptancePolicies(
    @CurrentActor() actor: Actor,
    @Args('level', { nullable: true }) level?: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('group', { nullable: true }) group?: string,
    @Args('account', { nullable: true }) account?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.list(actor, definedOnly({ level, domain, group, account, limit, cursor }));
  }

  @Query(() => AcceptancePolicyType)
  @RequirePermission('read', 'Domain')
  acceptancePolicy(@CurrentActor() actor: Actor, @Args('level') level: string, @Args('target', { nullable: true }) target?: string) {
    return this.service.get(actor, ...levelAndTarget(level, target));
  }

  @Mutation(() => AcceptancePolicyType)
  @RequirePermission('update', 'Domain')
  async setAcceptancePolicy(
    @CurrentActor() actor: Actor,
    @Args('level') level: string,
    @Args('input') input: AcceptancePolicyInput,
    @Args('target', { nullable: true }) target?: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    const [lvl, key] = levelAndTarget(level, target);
    return (await this.service.put(actor, lvl, key, definedOnly({ ...input }), expectedVersion ?? undefined)).policy;
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Domain')
  async deleteAcceptancePolicy(
    @CurrentActor() actor: Actor,
    @Args('level') level: string,
    @Args('target', { nullable: true }) target?: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    await this.service.remove(actor, ...levelAndTarget(level, target), expectedVersion ?? undefined);
    return true;
  }
}
