import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import type { StatusSettable } from '../aliases/addressed-objects.js';
import { GroupsService } from './groups.service.js';
import { createGroupInput, listGroupMembersQuery, listGroupsQuery, updateGroupInput } from './group.schemas.js';

@ApiTags('groups')
@ApiStandardErrors()
@Controller()
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post('domains/:domain/groups')
  @RequirePermission('create', 'Group')
  @ApiOperation({ summary: 'Create a group of accounts, optionally with its first members' })
  @ApiZodBody(createGroupInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.groups.create(actor, domain, body);
  }

  @Get('domains/:domain/groups')
  @RequirePermission('read', 'Group')
  @ApiOperation({ summary: 'List the groups of a domain; q filters on address and name' })
  @ApiZodQuery(listGroupsQuery)
  list(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Query() query: unknown) {
    return this.groups.list(actor, domain, query);
  }

  @Get('groups/:address')
  @RequirePermission('read', 'Group')
  @ApiOperation({ summary: 'Read one group' })
  get(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.groups.get(actor, address);
  }

  @Patch('groups/:address')
  @RequirePermission('update', 'Group')
  @ApiOperation({ summary: 'Rename a group' })
  @ApiZodBody(updateGroupInput)
  update(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown) {
    return this.groups.update(actor, address, body);
  }

  @Delete('groups/:address')
  @HttpCode(204)
  @RequirePermission('delete', 'Group')
  @ApiOperation({ summary: 'Delete a group (its address becomes free again; the accounts stay)' })
  async remove(@CurrentActor() actor: Actor, @Param('address') address: string) {
    await this.groups.remove(actor, address);
  }

  @Get('groups/:address/members')
  @RequirePermission('read', 'Group')
  @ApiOperation({ summary: 'The member accounts of a group that I can see, by address' })
  @ApiZodQuery(listGroupMembersQuery)
  members(@CurrentActor() actor: Actor, @Param('address') address: string, @Query() query: unknown) {
    return this.groups.members(actor, address, query);
  }

  @Get('groups/:address/members/:member')
  @RequirePermission('read', 'Group')
  @ApiOperation({ summary: 'One member of a group (404 when the account is not a member)' })
  member(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('member') member: string) {
    return this.groups.member(actor, address, member);
  }

  @Put('groups/:address/members/:member')
  @RequirePermission('update', 'Group')
  @ApiOperation({ summary: 'Add an account to a group; idempotent: 201 when added, 200 when it already was a member' })
  @ApiResponse({ status: 201, description: 'added' })
  @ApiResponse({ status: 200, description: 'already a member' })
  async putMember(
    @CurrentActor() actor: Actor,
    @Param('address') address: string,
    @Param('member') member: string,
    @Res({ passthrough: true }) response: StatusSettable,
  ) {
    const result = await this.groups.putMember(actor, address, member);
    response.status(result.created ? 201 : 200);
    return result.member;
  }

  @Delete('groups/:address/members/:member')
  @HttpCode(204)
  @RequirePermission('update', 'Group')
  @ApiOperation({ summary: 'Remove an account from a group (404 when it is not a member)' })
  async removeMember(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('member') member: string) {
    await this.groups.removeMember(actor, address, member);
  }
}
