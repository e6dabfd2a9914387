import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { createRpopSourceInput, listRpopSourcesQuery, updateRpopSourceInput } from './rpop-source.schemas.js';
import { RpopSourcesService } from './rpop-sources.service.js';

@ApiTags('remote POP sources')
@ApiStandardErrors()
@Controller('accounts/:address/rpop-sources')
export class RpopSourcesController {
  constructor(private readonly sources: RpopSourcesService) {}

  @Get()
  @RequirePermission('read', 'RpopSource')
  @ApiOperation({ summary: "The account's remote POP sources, with the state of their collection (never the password)" })
  @ApiZodQuery(listRpopSourcesQuery)
  list(@CurrentActor() actor: Actor, @Param('address') address: string, @Query() query: unknown) {
    return this.sources.list(actor, address, query);
  }

  @Get(':id')
  @RequirePermission('read', 'RpopSource')
  @ApiOperation({ summary: 'One remote POP source: last run, last error, failures in a row, next run' })
  get(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('id') id: string) {
    return this.sources.get(actor, address, id);
  }

  @Post()
  @RequirePermission('create', 'RpopSource')
  @ApiOperation({ summary: 'Collect mail from a remote POP3 mailbox into this account (the password is stored sealed); internal addresses and ports outside SCHOOLMAIL_RPOP_PORTS answer 422' })
  @ApiZodBody(createRpopSourceInput)
  create(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown) {
    return this.sources.create(actor, address, body);
  }

  @Patch(':id')
  @RequirePermission('update', 'RpopSource')
  @ApiOperation({ summary: 'Change a remote POP source; a new server or credentials are tried at once' })
  @ApiZodBody(updateRpopSourceInput)
  update(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('id') id: string, @Body() body: unknown) {
    return this.sources.update(actor, address, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', 'RpopSource')
  @ApiOperation({ summary: 'Stop collecting from a remote POP source (what was collected stays)' })
  async remove(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('id') id: string) {
    await this.sources.remove(actor, address, id);
  }
}
