import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { AliasesService } from './aliases.service.js';
import { createAliasInput, listAliasesQuery, updateAliasInput } from './alias.schemas.js';

@ApiTags('aliases')
@ApiStandardErrors()
@Controller()
export class AliasesController {
  constructor(private readonly aliases: AliasesService) {}

  @Post('domains/:domain/aliases')
  @RequirePermission('create', 'Alias')
  @ApiOperation({ summary: 'Create an alias that forwards to 1-1000 addresses (local or external)' })
  @ApiZodBody(createAliasInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.aliases.create(actor, domain, body);
  }

  @Get('domains/:domain/aliases')
  @RequirePermission('read', 'Alias')
  @ApiOperation({ summary: 'List the aliases of a domain; q filters on the address' })
  @ApiZodQuery(listAliasesQuery)
  list(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Query() query: unknown) {
    return this.aliases.list(actor, domain, query);
  }

  @Get('aliases/:address')
  @RequirePermission('read', 'Alias')
  @ApiOperation({ summary: 'Read one alias' })
  get(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.aliases.get(actor, address);
  }

  @Patch('aliases/:address')
  @RequirePermission('update', 'Alias')
  @ApiOperation({ summary: 'Replace the targets of an alias' })
  @ApiZodBody(updateAliasInput)
  update(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown) {
    return this.aliases.update(actor, address, body);
  }

  @Delete('aliases/:address')
  @HttpCode(204)
  @RequirePermission('delete', 'Alias')
  @ApiOperation({ summary: 'Delete an alias (its address becomes free again)' })
  async remove(@CurrentActor() actor: Actor, @Param('address') address: string) {
    await this.aliases.remove(actor, address);
  }
}
