import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { DomainsController } from './domains.controller.js';
import { DomainsResolver } from './domains.resolver.js';
import { DomainsService } from './domains.service.js';
import { DomainPathSweep } from './domain-paths.js';

@Module({
  imports: [JobsModule],
  controllers: [DomainsController],
  providers: [DomainsService, DomainsResolver, DomainPathSweep],
  exports: [DomainsService],
})
export class DomainsModule {}
