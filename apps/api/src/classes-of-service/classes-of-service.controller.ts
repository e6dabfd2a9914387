import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { ClassesOfServiceService } from './classes-of-service.service.js';
import { createClassOfServiceInput, listClassesOfServiceQuery, updateClassOfServiceInput } from './class-of-service.schemas.js';

@ApiTags('classes of service')
@ApiStandardErrors()
@Controller('classes-of-service')
export class ClassesOfServiceController {
  constructor(private readonly classes: ClassesOfServiceService) {}

  @Post()
  @RequirePermission('create', 'ClassOfService')
  @ApiOperation({ summary: 'Create a class of service: platform-wide (staff) or owned by a district ("domain")' })
  @ApiZodBody(createClassOfServiceInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.classes.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'ClassOfService')
  @ApiOperation({ summary: 'List the classes of service I can use' })
  @ApiZodQuery(listClassesOfServiceQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.classes.list(actor, query);
  }

  @Get(':name')
  @RequirePermission('read', 'ClassOfService')
  @ApiOperation({ summary: 'Read one class of service' })
  get(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.classes.get(actor, name);
  }

  @Get(':name/impact')
  @RequirePermission('read', 'ClassOfService')
  @ApiOperation({ summary: 'How many accounts and domains (that I can see) a change to this class affects' })
  impact(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.classes.impact(actor, name);
  }

  @Patch(':name')
  @RequirePermission('update', 'ClassOfService')
  @ApiOperation({ summary: 'Change a class of service: name, description, services, limits, word lists' })
  @ApiZodBody(updateClassOfServiceInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('name') name: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.classes.update(actor, name, body, expectedVersion(ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePermission('delete', 'ClassOfService')
  @ApiOperation({ summary: 'Delete a class of service (409 while a domain or an account uses it)' })
  async remove(@CurrentActor() actor: Actor, @Param('name') name: string) {
    await this.classes.remove(actor, name);
  }
}
