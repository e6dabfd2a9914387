import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { DomainsService } from './domains.service.js';
import { createDomainInput, listDomainsQuery, updateDomainInput } from './domain.schemas.js';

@ApiTags('domains')
@ApiStandardErrors()
@Controller('domains')
export class DomainsController {
  constructor(private readonly domains: DomainsService) {}

  @Post()
  @RequirePermission('create', 'Domain')
  @ApiOperation({ summary: 'Create a domain, or a sub-domain with "parent"' })
  @ApiZodBody(createDomainInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.domains.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'List the domains in my scope' })
  @ApiZodQuery(listDomainsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.domains.list(actor, query);
  }

  @Get(':domain')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'Read one domain' })
  get(@CurrentActor() actor: Actor, @Param('domain') name: string) {
    return this.domains.get(actor, name);
  }

  @Patch(':domain')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: 'Change a domain: parent, class of service, services, status, branding' })
  @ApiZodBody(updateDomainInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('domain') name: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.domains.update(actor, name, body, expectedVersion(ifMatch));
  }

  @Delete(':domain')
  @HttpCode(204)
  @RequirePermission('delete', 'Domain')
  @ApiOperation({ summary: 'Delete a domain (409 while it has accounts or sub-domains, unless staff sets force=true)' })
  async remove(@CurrentActor() actor: Actor, @Param('domain') name: string, @Query('force') force?: string) {
    await this.domains.remove(actor, name, force === 'true');
  }
}
