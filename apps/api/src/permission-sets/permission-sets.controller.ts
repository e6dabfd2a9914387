import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Authenticated, RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { PermissionSetsService } from './permission-sets.service.js';
import { createPermissionSetInput, listPermissionSetsQuery, updatePermissionSetInput } from './permission-set.schemas.js';

@ApiTags('permission-sets')
@ApiStandardErrors()
@Controller('permission-sets')
export class PermissionSetsController {
  constructor(private readonly sets: PermissionSetsService) {}

  @Post()
  @RequirePermission('create', 'PermissionSet')
  @ApiOperation({ summary: 'Create a custom permission set (non-staff: owned by a domain of mine, with rights I hold there)' })
  @ApiZodBody(createPermissionSetInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.sets.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'PermissionSet')
  @ApiOperation({ summary: 'List the permission sets I can use: platform-wide ones and those of my domains' })
  @ApiZodQuery(listPermissionSetsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.sets.list(actor, query);
  }

  @Get(':name')
  @RequirePermission('read', 'PermissionSet')
  @ApiOperation({ summary: 'Read one permission set' })
  get(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.sets.get(actor, name);
  }

  @Patch(':name')
  @RequirePermission('update', 'PermissionSet')
  @ApiOperation({ summary: 'Change the description or the permissions (every holder is affected at once)' })
  @ApiZodBody(updatePermissionSetInput)
  update(@CurrentActor() actor: Actor, @Param('name') name: string, @Body() body: unknown) {
    return this.sets.update(actor, name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePermission('delete', 'PermissionSet')
  @ApiOperation({ summary: 'Delete a permission set (409 while assignments or API keys hold it)' })
  async remove(@CurrentActor() actor: Actor, @Param('name') name: string) {
    await this.sets.remove(actor, name);
  }
}

@ApiTags('permission-sets')
@ApiStandardErrors()
@Controller('permissions')
export class PermissionsController {
  constructor(private readonly sets: PermissionSetsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Every permission a set can hold, with "grantable": whether I hold it somewhere' })
  list(@CurrentActor() actor: Actor) {
    return this.sets.registry(actor);
  }
}
