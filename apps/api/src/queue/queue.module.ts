import { Module } from '@nestjs/common';
import { QueueController } from './queue.controller.js';
import { QueueResolver } from './queue.resolver.js';
import { QueueService } from './queue.service.js';

@Module({
  controllers: [QueueController],
  providers: [QueueService, QueueResolver],
  exports: [QueueService],
})
export class QueueModule {}
