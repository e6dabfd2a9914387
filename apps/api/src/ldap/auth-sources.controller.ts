import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody } from '../common/rest.js';
import { putAuthSourceInput, syncInput, testAuthSourceInput } from './auth-source.schemas.js';
import { AuthSourcesService } from './auth-sources.service.js';
import { DirectorySyncService } from './directory-sync.service.js';

@ApiTags('domains')
@ApiStandardErrors()
@Controller('domains/:domain/auth-source')
export class AuthSourcesController {
  constructor(
    private readonly sources: AuthSourcesService,
    private readonly directorySync: DirectorySyncService,
  ) {}

  @Get()
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: "Where the domain's passwords are verified: local, or an LDAP directory (own or inherited); staff, or its postmaster where staff allows it" })
  get(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.sources.get(actor, domain);
  }

  @Put()
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: 'Set the authentication source of a domain and its sub-domains (the bind password is write-only; postmasterMayManage is set by staff); staff, or its postmaster where staff allows it' })
  @ApiZodBody(putAuthSourceInput)
  put(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.sources.put(actor, domain, body);
  }

  @Delete()
  @HttpCode(204)
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Remove the domain's own source: it inherits its parent's again (or is local); staff only" })
  async remove(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    await this.sources.remove(actor, domain);
  }

  @Post('test')
  @HttpCode(200)
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'Try the service bind and the lookup of one address (and optionally its password) against the directory; staff, or its postmaster where staff allows it' })
  @ApiZodBody(testAuthSourceInput)
  test(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.sources.test(actor, domain, body);
  }

  @Post('sync')
  @HttpCode(200)
  @RequirePermission('update', 'Domain')
  @ApiOperation({
    summary:
      'Compare the accounts of the domain with its directory; with "apply": true also repair (provisioning: Schoolmail writes the directory; otherwise the directory is the source)',
  })
  @ApiZodBody(syncInput)
  sync(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.directorySync.sync(actor, domain, body);
  }
}
