import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { QueueService } from './queue.service.js';
import { listQueueQuery, listRemoteDomainsQuery, queueActionInput } from './queue.schemas.js';

@ApiTags('queue')
@ApiStandardErrors()
@Controller('queue')
export class QueueController {
  constructor(private readonly queue: QueueService) {}

  @Get()
  @RequirePermission('read', 'QueueEntry')
  @ApiOperation({ summary: 'List outbound queue entries in my scope, with filters (durations like 1h, 2d or ISO dates for olderThan/newerThan)' })
  @ApiZodQuery(listQueueQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.queue.list(actor, query);
  }

  @Post('actions')
  @HttpCode(200)
  @RequirePermission('update', 'QueueEntry')
  @ApiOperation({
    summary: 'Delete, reschedule or bounce entries by id or by filter; answers how many were affected',
    description: 'By ids: `notFound` lists the ids that are gone or outside your scope; 404 when none of them is in your scope.',
  })
  @ApiZodBody(queueActionInput)
  act(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.queue.act(actor, body);
  }

  @Get('remote-domains')
  @RequirePermission('read', 'QueueEntry')
  @ApiOperation({ summary: 'Destination domains (virtual queues): state, failures, last error, entries waiting' })
  @ApiZodQuery(listRemoteDomainsQuery)
  remoteDomains(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.queue.remoteDomains(actor, query);
  }

  @Post('remote-domains/:domain/hold')
  @HttpCode(200)
  @RequirePermission('update', 'RemoteDomain')
  @ApiOperation({ summary: 'Hold a destination domain: nothing is sent there until it is released (staff)' })
  hold(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.queue.hold(actor, domain);
  }

  @Post('remote-domains/:domain/release')
  @HttpCode(200)
  @RequirePermission('update', 'RemoteDomain')
  @ApiOperation({ summary: 'Release a held destination domain: its entries are due now (staff)' })
  release(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.queue.release(actor, domain);
  }

  @Get(':id')
  @RequirePermission('read', 'QueueEntry')
  @ApiOperation({ summary: 'One queue entry with its message headers' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.queue.get(actor, id);
  }
}
