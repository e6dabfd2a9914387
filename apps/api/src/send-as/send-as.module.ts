import { Module } from '@nestjs/common';
import { SendAsController } from './send-as.controller.js';
import { SendAsResolver } from './send-as.resolver.js';
import { SendAsService } from './send-as.service.js';

@Module({
  controllers: [SendAsController],
  providers: [SendAsService, SendAsResolver],
})
export class SendAsModule {}
