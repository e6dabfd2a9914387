import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import type { StatusSettable } from '../aliases/addressed-objects.js';
import { PoliciesService } from './policies.service.js';
import { listPoliciesQuery, putPolicyInput } from './policy.schemas.js';

/**
 * Acceptance policies: whitelisted senders and trusted client networks that skip content
 * refusals (word lists), and the attachment size limit, per level. The server level is
 * staff's; a domain, group or account level needs `update` on its domain.
 */
@ApiTags('acceptance policies')
@ApiStandardErrors()
@Controller('policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get()
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'List the acceptance policies I can see (filters: level, domain subtree, group, account)' })
  @ApiZodQuery(listPoliciesQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.policies.list(actor, query);
  }

  @Get('server')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'The server-level acceptance policy (404 while none is set)' })
  getServer(@CurrentActor() actor: Actor) {
    return this.policies.get(actor, 'server', null);
  }

  @Put('server')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: 'Set the server-level acceptance policy (staff only); 201 when created, 200 when replaced' })
  @ApiZodBody(putPolicyInput)
  @ApiIfMatch()
  @ApiResponse({ status: 201, description: 'created' })
  async putServer(@CurrentActor() actor: Actor, @Body() body: unknown, @Res({ passthrough: true }) response: StatusSettable, @Headers('if-match') ifMatch?: string) {
    return this.respond(response, await this.policies.put(actor, 'server', null, body, expectedVersion(ifMatch)));
  }

  @Delete('server')
  @HttpCode(204)
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: 'Remove the server-level acceptance policy (staff only)' })
  @ApiIfMatch()
  async removeServer(@CurrentActor() actor: Actor, @Headers('if-match') ifMatch?: string) {
    await this.policies.remove(actor, 'server', null, expectedVersion(ifMatch));
  }

  @Get('domains/:domain')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: "A domain's acceptance policy (it applies to its sub-domains too)" })
  getDomain(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.policies.get(actor, 'domain', domain);
  }

  @Put('domains/:domain')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Set a domain's acceptance policy; 201 when created, 200 when replaced" })
  @ApiZodBody(putPolicyInput)
  @ApiIfMatch()
  @ApiResponse({ status: 201, description: 'created' })
  async putDomain(
    @CurrentActor() actor: Actor,
    @Param('domain') domain: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: StatusSettable,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.respond(response, await this.policies.put(actor, 'domain', domain, body, expectedVersion(ifMatch)));
  }

  @Delete('domains/:domain')
  @HttpCode(204)
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Remove a domain's acceptance policy" })
  @ApiIfMatch()
  async removeDomain(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Headers('if-match') ifMatch?: string) {
    await this.policies.remove(actor, 'domain', domain, expectedVersion(ifMatch));
  }

  @Get('groups/:address')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: "A group's acceptance policy (it applies to every member)" })
  getGroup(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.policies.get(actor, 'group', address);
  }

  @Put('groups/:address')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Set a group's acceptance policy; 201 when created, 200 when replaced" })
  @ApiZodBody(putPolicyInput)
  @ApiIfMatch()
  @ApiResponse({ status: 201, description: 'created' })
  async putGroup(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: StatusSettable,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.respond(response, await this.policies.put(actor, 'group', address, body, expectedVersion(ifMatch)));
  }

  @Delete('groups/:address')
  @HttpCode(204)
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Remove a group's acceptance policy" })
  @ApiIfMatch()
  async removeGroup(@CurrentActor() actor: Actor, @Param('address') address: string, @Headers('if-match') ifMatch?: string) {
    await this.policies.remove(actor, 'group', address, expectedVersion(ifMatch));
  }

  @Get('accounts/:address')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: "An account's own acceptance policy" })
  getAccount(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.policies.get(actor, 'account', address);
  }

  @Put('accounts/:address')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Set an account's acceptance policy; 201 when created, 200 when replaced" })
  @ApiZodBody(putPolicyInput)
  @ApiIfMatch()
  @ApiResponse({ status: 201, description: 'created' })
  async putAccount(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: StatusSettable,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.respond(response, await this.policies.put(actor, 'account', address, body, expectedVersion(ifMatch)));
  }

  @Delete('accounts/:address')
  @HttpCode(204)
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: "Remove an account's acceptance policy" })
  @ApiIfMatch()
  async removeAccount(@CurrentActor() actor: Actor, @Param('address') address: string, @Headers('if-match') ifMatch?: string) {
    await this.policies.remove(actor, 'account', address, expectedVersion(ifMatch));
  }

  private respond(response: StatusSettable, result: { created: boolean; policy: unknown }) {
    response.status(result.created ? 201 : 200);
    return result.policy;
  }
}
