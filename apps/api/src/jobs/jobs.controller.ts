import { Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodQuery } from '../common/rest.js';
import { JobsService } from './jobs.service.js';
import { listJobsQuery } from './job.schemas.js';

@ApiTags('jobs')
@ApiStandardErrors()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequirePermission('read', 'Job')
  @ApiOperation({ summary: 'Background jobs (imports) of my scope, newest first' })
  @ApiZodQuery(listJobsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.jobs.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'Job')
  @ApiOperation({ summary: 'One job with its progress: total, processed, succeeded, failed, skipped, percent' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.get(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('update', 'Job')
  @ApiOperation({ summary: 'Cancel a queued or running job (what it already did stays done)' })
  cancel(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.cancel(actor, id);
  }

  @Get(':id/report')
  @RequirePermission('read', 'Job')
  @ApiOperation({ summary: 'The per-row report (failed and skipped rows with reasons) and the summary, as JSON' })
  report(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.report(actor, id);
  }

  @Get(':id/report.csv')
  @RequirePermission('read', 'Job')
  @ApiOperation({ summary: 'The error report as a CSV file (row, key, status, field, reason)' })
  @ApiProduces('text/csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="job-report.csv"')
  reportCsv(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.reportCsv(actor, id);
  }
}
