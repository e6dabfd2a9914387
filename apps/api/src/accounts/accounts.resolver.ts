import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { definedOnly } from '../graphql/common.types.js';
import type { GraphqlContext } from '../graphql/context.js';
import { AccountsService } from './accounts.service.js';
import { AccountsBulkService } from './accounts-bulk.service.js';
import { effectiveSettingsOf } from './account.loaders.js';
import type { AccountView } from './account.view.js';
import {
  AccountListType,
  AccountType,
  BulkAccountsResultType,
  CreateAccountInput,
  EffectiveSettingsType,
  UpdateAccountInput,
} from './account.types.js';

@Resolver(() => AccountType)
export class AccountsResolver {
  constructor(
    private readonly service: AccountsService,
    private readonly bulkService: AccountsBulkService,
  ) {}

  @Query(() => AccountListType)
  @RequirePermission('read', 'Account')
  accounts(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('q', { nullable: true }) q?: string,
    @Args('subtree', { nullable: true }) subtree?: boolean,
    @Args('sort', { nullable: true, description: 'address | displayName | createdAt' }) sort?: string,
    @Args('order', { nullable: true, description: 'asc | desc' }) order?: string,
  ) {
    return this.service.list(actor, domain, definedOnly({ limit, cursor, q, subtree, sort, order }));
  }

  @Query(() => AccountType)
  @RequirePermission('read', 'Account')
  account(@CurrentActor() actor: Actor, @Args('address') address: string) {
    return this.service.get(actor, address);
  }

  @Mutation(() => AccountType)
  @RequirePermission('create', 'Account')
  createAccount(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: CreateAccountInput) {
    return this.service.create(actor, domain, definedOnly(input));
  }

  @Mutation(() => AccountType)
  @RequirePermission('update', 'Account')
  updateAccount(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('input') input: UpdateAccountInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    const { clearDisplayName, clearClassOfService, ...rest } = definedOnly(input);
    const patch: Record<string, unknown> = { ...rest };
    if (clearDisplayName) patch.displayName = null;
    if (clearClassOfService) patch.classOfService = null;
    return this.service.update(actor, address, patch, expectedVersion ?? undefined);
  }

  @Mutation(() => AccountType, { description: 'A new address in the same domain (moving domains is not supported); the old one stays as an alias unless keepOldAddressAsAlias is false; aliases and mailing lists naming the old address name the new one' })
  @RequirePermission('update', 'Account')
  renameAccount(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('localPart') localPart: string,
    @Args('keepOldAddressAsAlias', { nullable: true }) keepOldAddressAsAlias?: boolean,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return this.service.rename(actor, address, definedOnly({ localPart, keepOldAddressAsAlias }), expectedVersion ?? undefined);
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Account')
  async deleteAccount(@CurrentActor() actor: Actor, @Args('address') address: string) {
    await this.service.remove(actor, address);
    return true;
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Account')
  async setAccountPassword(
    @CurrentActor() actor: Actor,
    @Args('address') address: string,
    @Args('password', { nullable: true }) password?: string,
    @Args('currentPassword', { nullable: true }) currentPassword?: string,
    @Args('passwordHash', { nullable: true }) passwordHash?: string,
  ) {
    await this.service.setPassword(actor, address, definedOnly({ password, currentPassword, passwordHash }));
    return true;
  }

  @Mutation(() => BulkAccountsResultType)
  @RequirePermission('create', 'Account')
  bulkCreateAccounts(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('accounts', { type: () => [CreateAccountInput] }) accounts: CreateAccountInput[],
    @Args('atomic', { nullable: true }) atomic?: boolean,
  ) {
    return this.bulkService.bulkCreate(actor, domain, definedOnly({ accounts: accounts.map((row) => definedOnly(row)), atomic }));
  }

  @ResolveField(() => EffectiveSettingsType, { description: 'Every effective setting and the level that decided it (batched per request)' })
  effectiveSettings(@Parent() account: AccountView, @Context() context: GraphqlContext) {
    return effectiveSettingsOf(context, account.address);
  }
}
