import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, JSONScalar } from '../graphql/common.types.js';
import { WebhooksService } from './webhooks.service.js';

@ObjectType('Webhook')
export class WebhookType {
  @Field(() => Int) id!: number;
  @Field() url!: string;
  @Field(() => [String]) events!: string[];
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: 'The domain subtree it hears about; null: the whole platform' }) domain!: string | null;
  @Field() active!: boolean;
  @Field() createdBy!: string;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType('CreatedWebhook')
export class CreatedWebhookType extends WebhookType {
  @Field({ description: 'The signing secret: shown this once' }) secret!: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryType {
  @Field(() => ID) id!: string;
  @Field() event!: string;
  @Field() status!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) nextAttemptAt!: string | null;
  @Field(() => String, { nullable: true }) lastAttemptAt!: string | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => String, { nullable: true }) deliveredAt!: string | null;
  @Field() createdAt!: string;
  @Field(() => JSONScalar, { nullable: true }) data!: unknown;
}

const WebhookConnection = Connection(WebhookType, 'WebhookConnection');
const WebhookDeliveryConnection = Connection(WebhookDeliveryType, 'WebhookDeliveryConnection');

@InputType()
export class CreateWebhookInput {
  @Field() url!: string;
  @Field(() => [String]) events!: string[];
  @Field({ nullable: true }) secret?: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) domain?: string;
  @Field({ nullable: true }) active?: boolean;
}

@InputType()
export class UpdateWebhookInput {
  @Field({ nullable: true }) url?: string;
  @Field(() => [String], { nullable: true }) events?: string[];
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) active?: boolean;
}

@Resolver(() => WebhookType)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Query(() => WebhookConnection)
  @RequirePermission('read', 'Webhook')
  webhooks(@CurrentActor() actor: Actor, @Args('limit', { type: () => Int, nullable: true }) limit?: number, @Args('cursor', { nullable: true }) cursor?: string) {
    return this.service.list(actor, definedOnly({ limit, cursor }));
  }

  @Query(() => WebhookType)
  @RequirePermission('read', 'Webhook')
  webhook(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    return this.service.get(actor, id);
  }

  @Query(() => WebhookDeliveryConnection)
  @RequirePermission('read', 'Webhook')
  webhookDeliveries(
    @CurrentActor() actor: Actor,
    @Args('webhookId', { type: () => Int }) webhookId: number,
    @Args('status', { nullable: true }) status?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.deliveries(actor, webhookId, definedOnly({ status, limit, cursor }));
  }

  @Mutation(() => CreatedWebhookType)
  @RequirePermission('create', 'Webhook')
  createWebhook(@CurrentActor() actor: Actor, @Args('input') input: CreateWebhookInput) {
    return this.service.create(actor, definedOnly(input));
  }

  @Mutation(() => WebhookType)
  @RequirePermission('update', 'Webhook')
  updateWebhook(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number, @Args('input') input: UpdateWebhookInput) {
    return this.service.update(actor, id, definedOnly(input));
  }

  @Mutation(() => Boolean)
  @RequirePermission('delete', 'Webhook')
  async deleteWebhook(@CurrentActor() actor: Actor, @Args('id', { type: () => Int }) id: number) {
    await this.service.remove(actor, id);
    return true;
  }

  @Mutation(() => WebhookDeliveryType)
  @RequirePermission('update', 'Webhook')
  retryWebhookDelivery(@CurrentActor() actor: Actor, @Args('webhookId', { type: () => Int }) webhookId: number, @Args('deliveryId', { type: () => ID }) deliveryId: string) {
    return this.service.retry(actor, webhookId, deliveryId);
  }
}
