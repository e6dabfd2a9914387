import { Module } from '@nestjs/common';
import { JobsController } from './jobs.controller.js';
import { JobsResolver } from './jobs.resolver.js';
import { JobsService } from './jobs.service.js';
import { JobRunner } from './job-runner.js';

/** Import this module to register job kinds (JobRunner) and queue jobs (JobsService). */
@Module({
  controllers: [JobsController],
  providers: [JobsService, JobsResolver, JobRunner],
  exports: [JobsService, JobRunner],
})
export class JobsModule {}
