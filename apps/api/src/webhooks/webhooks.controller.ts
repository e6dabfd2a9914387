import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { NoIdempotencyReplay } from '../common/http.interceptors.js';
import { WebhooksService } from './webhooks.service.js';
import { createWebhookInput, listDeliveriesQuery, listWebhooksQuery, updateWebhookInput } from './webhook.schemas.js';

@ApiTags('webhooks')
@ApiStandardErrors()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequirePermission('create', 'Webhook')
  @ApiOperation({ summary: 'Register a webhook: url, events (e.g. account.created, domain.*, *), optional secret; the secret is returned this once' })
  @ApiZodBody(createWebhookInput)
  @NoIdempotencyReplay()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.webhooks.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'Webhook')
  @ApiOperation({ summary: 'List the webhooks of my scope' })
  @ApiZodQuery(listWebhooksQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.webhooks.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'Webhook')
  @ApiOperation({ summary: 'Read one webhook' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.webhooks.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('update', 'Webhook')
  @ApiOperation({ summary: 'Change the url, events, description, or switch a webhook off and on (active)' })
  @ApiZodBody(updateWebhookInput)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.webhooks.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', 'Webhook')
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.webhooks.remove(actor, id);
  }

  @Get(':id/deliveries')
  @RequirePermission('read', 'Webhook')
  @ApiOperation({ summary: 'The delivery log, newest first: status, attempts, last status code or error, times' })
  @ApiZodQuery(listDeliveriesQuery)
  deliveries(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown) {
    return this.webhooks.deliveries(actor, id, query);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(200)
  @RequirePermission('update', 'Webhook')
  @ApiOperation({ summary: 'Send a pending or failed delivery again now' })
  retry(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.retry(actor, id, deliveryId);
  }
}
