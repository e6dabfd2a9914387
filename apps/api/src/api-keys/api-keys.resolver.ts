import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, PageArgs } from '../graphql/common.types.js';
import { ApiKeysService } from './api-keys.service.js';

@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field({ description: 'The start of the token, to recognise a key; not a secret' }) prefix!: string;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => String, { nullable: true }) permissionSet!: string | null;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field(() => String, { nullable: true }) createdBy!: string | null;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) lastUsedAt!: string | null;
  @Field(() => String, { nullable: true }) revokedAt!: string | null;
}

@ObjectType('IssuedApiKey', { description: 'A new key with its secret, which is shown only this once' })
export class IssuedApiKeyType extends ApiKeyType {
  @Field({ description: 'The bearer token; store it now, it cannot be read again' }) secret!: string;
}

const ApiKeyConnection = Connection(ApiKeyType, 'ApiKeyConnection');

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field({ nullable: true, description: 'staff, postmaster or subdomain-admin' }) role?: string;
  @Field({ nullable: true }) permissionSet?: string;
  @Field({ nullable: true }) domain?: string;
}

@Resolver(() => ApiKeyType)
export class ApiKeysResolver {
  constructor(private readonly service: ApiKeysService) {}

  @Query(() => ApiKeyConnection)
  @RequirePermission('read', 'ApiKey')
  apiKeys(@CurrentActor() actor: Actor, @Args() page: PageArgs) {
    return this.service.list(actor, definedOnly({ ...page }));
  }

  @Mutation(() => IssuedApiKeyType)
  @RequirePermission('create', 'ApiKey')
  createApiKey(@CurrentActor() actor: Actor, @Args('input') input: CreateApiKeyInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => ApiKeyType)
  @RequirePermission('delete', 'ApiKey')
  revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    return this.service.revoke(actor, id);
  }
}
