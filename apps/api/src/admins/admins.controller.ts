import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { AdminsService } from './admins.service.js';
import { AssignmentsService } from './assignments.service.js';
import { assignmentInput, createAdminInput, listAdminsQuery, updateAdminInput } from './admin.schemas.js';

@ApiTags('admins')
@ApiStandardErrors()
@Controller('admins')
export class AdminsController {
  constructor(
    private readonly admins: AdminsService,
    private readonly assignments: AssignmentsService,
  ) {}

  @Post()
  @RequirePermission('create', 'Admin')
  @ApiOperation({ summary: 'Create an administrator (no rights until it gets an assignment)' })
  @ApiZodBody(createAdminInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.admins.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'Admin')
  @ApiOperation({ summary: 'List the administrators of my scope (and those I created)' })
  @ApiZodQuery(listAdminsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.admins.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'Admin')
  @ApiOperation({ summary: 'Read one administrator with the assignments I can see' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.admins.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('update', 'Admin')
  @ApiOperation({ summary: 'Change display name, password or disabled' })
  @ApiZodBody(updateAdminInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.admins.update(actor, id, body, expectedVersion(ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', 'Admin')
  @ApiOperation({ summary: 'Delete an administrator (never yourself)' })
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.admins.remove(actor, id);
  }

  @Post(':id/assignments')
  @RequirePermission('create', 'RoleAssignment')
  @ApiOperation({ summary: 'Give an administrator a role or permission set over a domain subtree (staff: no domain)' })
  @ApiZodBody(assignmentInput)
  @ApiIdempotent()
  assign(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.assignments.assign(actor, id, body);
  }

  @Get(':id/assignments')
  @RequirePermission('read', 'RoleAssignment')
  @ApiOperation({ summary: "An administrator's assignments inside my scope" })
  listAssignments(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.assignments.list(actor, id);
  }

  @Delete(':id/assignments/:assignmentId')
  @HttpCode(204)
  @RequirePermission('delete', 'RoleAssignment')
  @ApiOperation({ summary: 'Take an assignment back' })
  async removeAssignment(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('assignmentId') assignmentId: string) {
    await this.assignments.remove(actor, id, assignmentId);
  }
}
