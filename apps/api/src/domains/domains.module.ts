import { Module } from '@nestjs/common';
import { DomainsController } from './domains.controller.js';
import { DomainsResolver } from './domains.resolver.js';
import { DomainsService } from './domains.service.js';

@Module({
  controllers: [DomainsController],
  providers: [DomainsService, DomainsResolver],
  exports: [DomainsService],
})
export class DomainsModule {}
