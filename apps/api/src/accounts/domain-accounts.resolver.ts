import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainType } from '../domains/domains.resolver.js';
import type { DomainView } from '../domains/domains.service.js';
import type { GraphqlContext } from '../graphql/context.js';
import { accountsOfDomain } from './account.loaders.js';
import { AccountConnection } from './account.types.js';

/** Adds `accounts` to the Domain type: one SQL query for the accounts of every domain on the page. */
@Resolver(() => DomainType)
export class DomainAccountsResolver {
  @ResolveField(() => AccountConnection, { description: "The domain's own mailboxes, by address (batched per request)" })
  accounts(
    @Parent() domain: DomainView,
    @Context() context: GraphqlContext,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('q', { nullable: true }) q?: string,
  ) {
    return accountsOfDomain(context, domain.name, { limit, cursor, q });
  }
}
