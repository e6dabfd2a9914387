import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { TransportsService } from './transports.service.js';
import { createTransportInput, listTransportsQuery } from './transport.schemas.js';

@ApiTags('transports')
@ApiStandardErrors()
@Controller('transports')
export class TransportsController {
  constructor(private readonly transports: TransportsService) {}

  @Post()
  @RequirePermission('create', 'Transport')
  @ApiOperation({ summary: 'Route a domain to a fixed next hop host:port (staff)' })
  @ApiZodBody(createTransportInput)
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.transports.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'Transport')
  @ApiOperation({ summary: 'List next-hop overrides (staff)' })
  @ApiZodQuery(listTransportsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.transports.list(actor, query);
  }

  @Get(':domain')
  @RequirePermission('read', 'Transport')
  @ApiOperation({ summary: 'Read the next-hop override of one domain (staff)' })
  get(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.transports.get(actor, domain);
  }

  @Delete(':domain')
  @HttpCode(204)
  @RequirePermission('delete', 'Transport')
  @ApiOperation({ summary: 'Remove a next-hop override: the domain is routed by MX again (staff)' })
  async remove(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    await this.transports.remove(actor, domain);
  }
}
