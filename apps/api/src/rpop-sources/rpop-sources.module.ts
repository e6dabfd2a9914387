import { Module } from '@nestjs/common';
import { RpopSourcesController } from './rpop-sources.controller.js';
import { RpopSourcesResolver } from './rpop-sources.resolver.js';
import { RpopSourcesService } from './rpop-sources.service.js';

@Module({
  controllers: [RpopSourcesController],
  providers: [RpopSourcesService, RpopSourcesResolver],
})
export class RpopSourcesModule {}
