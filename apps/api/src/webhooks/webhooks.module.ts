import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';
import { WebhookDispatchService } from './webhook-dispatch.service.js';

@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksResolver, WebhookDispatchService],
})
export class WebhooksModule {}
