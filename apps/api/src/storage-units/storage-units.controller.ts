import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { StorageUnitsService } from './storage-units.service.js';
import { createStorageUnitInput, listProblemsQuery, listStorageUnitsQuery, updateStorageUnitInput } from './storage-unit.schemas.js';

@ApiTags('storage-units')
@ApiStandardErrors()
@Controller('storage-units')
export class StorageUnitsController {
  constructor(private readonly units: StorageUnitsService) {}

  @Post()
  @RequirePermission('create', 'StorageUnit')
  @ApiOperation({ summary: 'Add a storage unit (staff): a directory (created if missing, must be writable), a capacity (capacityGb in GiB, or capacityBytes), the domains it serves' })
  @ApiZodBody(createStorageUnitInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.units.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'StorageUnit')
  @ApiOperation({ summary: 'List the storage units with their usage (staff)' })
  @ApiZodQuery(listStorageUnitsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.units.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'StorageUnit')
  @ApiOperation({ summary: 'Read one storage unit (staff)' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.units.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission('update', 'StorageUnit')
  @ApiOperation({ summary: 'Change a storage unit: state, capacity, name, domains (the list replaces the current one) (staff)' })
  @ApiZodBody(updateStorageUnitInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.units.update(actor, id, body, expectedVersion(ifMatch));
  }

  @Get(':id/problems')
  @RequirePermission('read', 'StorageUnit')
  @ApiOperation({ summary: 'Faults found in a storage unit (corrupt or missing blobs), newest first (staff)' })
  @ApiZodQuery(listProblemsQuery)
  problems(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown) {
    return this.units.problems(actor, id, query);
  }

  @Post(':id/problems/:problemId/resolve')
  @HttpCode(200)
  @RequirePermission('update', 'StorageUnit')
  @ApiOperation({ summary: 'Mark a problem resolved once an operator has dealt with it (staff); resolving it again changes nothing' })
  resolveProblem(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('problemId') problemId: string) {
    return this.units.resolveProblem(actor, id, problemId);
  }
}
