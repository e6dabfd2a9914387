import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import type { StatusSettable } from '../aliases/addressed-objects.js';
import { MailingListsService } from './mailing-lists.service.js';
import { createMailingListInput, listMailingListsQuery, listMembersQuery, putMemberInput, updateMailingListInput } from './mailing-list.schemas.js';

@ApiTags('mailing lists')
@ApiStandardErrors()
@Controller()
export class MailingListsController {
  constructor(private readonly lists: MailingListsService) {}

  @Post('domains/:domain/lists')
  @RequirePermission('create', 'MailingList')
  @ApiOperation({ summary: 'Create a mailing list, optionally with its first members' })
  @ApiZodBody(createMailingListInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.lists.create(actor, domain, body);
  }

  @Get('domains/:domain/lists')
  @RequirePermission('read', 'MailingList')
  @ApiOperation({ summary: 'List the mailing lists of a domain; q filters on address and name' })
  @ApiZodQuery(listMailingListsQuery)
  list(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Query() query: unknown) {
    return this.lists.list(actor, domain, query);
  }

  @Get('lists/:address')
  @RequirePermission('read', 'MailingList')
  @ApiOperation({ summary: 'Read one mailing list' })
  get(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.lists.get(actor, address);
  }

  @Patch('lists/:address')
  @RequirePermission('update', 'MailingList')
  @ApiOperation({ summary: 'Change the name or posting policy of a mailing list' })
  @ApiZodBody(updateMailingListInput)
  update(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown) {
    return this.lists.update(actor, address, body);
  }

  @Delete('lists/:address')
  @HttpCode(204)
  @RequirePermission('delete', 'MailingList')
  @ApiOperation({ summary: 'Delete a mailing list with its members (its address becomes free again)' })
  async remove(@CurrentActor() actor: Actor, @Param('address') address: string) {
    await this.lists.remove(actor, address);
  }

  @Get('lists/:address/members')
  @RequirePermission('read', 'MailingList')
  @ApiOperation({ summary: 'The members of a mailing list, by address' })
  @ApiZodQuery(listMembersQuery)
  members(@CurrentActor() actor: Actor, @Param('address') address: string, @Query() query: unknown) {
    return this.lists.members(actor, address, query);
  }

  @Get('lists/:address/members/:member')
  @RequirePermission('read', 'MailingList')
  @ApiOperation({ summary: 'One member of a mailing list (404 when the address is not a member)' })
  member(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('member') member: string) {
    return this.lists.member(actor, address, member);
  }

  @Put('lists/:address/members/:member')
  @RequirePermission('update', 'MailingList')
  @ApiOperation({ summary: 'Add a member (any address, local or external); idempotent: 201 when added, 200 when it already was one' })
  @ApiZodBody(putMemberInput)
  @ApiResponse({ status: 201, description: 'added' })
  @ApiResponse({ status: 200, description: 'already a member (owner flag updated when given)' })
  async putMember(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Param('member') member: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: StatusSettable,
  ) {
    const result = await this.lists.putMember(actor, address, member, body);
    response.status(result.created ? 201 : 200);
    return result.member;
  }

  @Delete('lists/:address/members/:member')
  @HttpCode(204)
  @RequirePermission('update', 'MailingList')
  @ApiOperation({ summary: 'Remove a member (404 when the address is not a member)' })
  async removeMember(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('member') member: string) {
    await this.lists.removeMember(actor, address, member);
  }
}
