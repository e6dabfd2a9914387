import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { QuarantineService } from './quarantine.service.js';
import { listQuarantineQuery, quarantineActionInput } from './quarantine.schemas.js';

/** Reviewing a held message is acting on a mailbox's mail: it needs `update` on accounts. */
@ApiTags('quarantine')
@ApiStandardErrors()
@Controller('quarantine')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @RequirePermission('read', 'QuarantineEntry')
  @ApiOperation({ summary: 'Messages held by word lists in my scope, newest first (filters: recipient, sender, domain, state, since, until)' })
  @ApiZodQuery(listQuarantineQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.quarantine.list(actor, query);
  }

  @Post('actions')
  @HttpCode(200)
  @RequirePermission('update', 'QuarantineEntry')
  @ApiOperation({ summary: 'Release or delete several entries; answers the outcome of each and how many were affected' })
  @ApiZodBody(quarantineActionInput)
  act(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.quarantine.act(actor, body);
  }

  @Get(':id')
  @RequirePermission('read', 'QuarantineEntry')
  @ApiOperation({ summary: 'One entry: matched word-list entries, headers and a safe preview (no scripts, no remote content)' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.quarantine.get(actor, id);
  }

  @Post(':id/release')
  @HttpCode(200)
  @RequirePermission('update', 'QuarantineEntry')
  @ApiOperation({ summary: "Deliver the held message into the recipient's INBOX (409 when already decided)" })
  release(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.quarantine.release(actor, id);
  }

  @Post(':id/delete')
  @HttpCode(200)
  @RequirePermission('delete', 'QuarantineEntry')
  @ApiOperation({ summary: 'Delete the held message: it is never delivered nor shown again (409 when already decided)' })
  remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.quarantine.remove(actor, id);
  }
}
