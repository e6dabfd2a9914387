import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Authenticated } from '../common/permissions.js';
import { ApiStandardErrors } from '../common/rest.js';
import { StatsService } from './stats.service.js';

@ApiTags('stats')
@ApiStandardErrors()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('dashboard')
  @Authenticated()
  @ApiOperation({
    summary:
      'Dashboard figures in my scope: queue depth per hour (24 h), deliveries/deferrals/bounces/refusals per hour, held remote domains, ' +
      'quarantine waiting, storage use; a section I may not read is null',
  })
  dashboard(@CurrentActor() actor: Actor) {
    return this.stats.dashboard(actor);
  }
}
