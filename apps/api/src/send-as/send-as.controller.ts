import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { SendAsService } from './send-as.service.js';
import { grantSendAsInput, listSendAsQuery } from './send-as.schemas.js';

@ApiTags('send as')
@ApiStandardErrors()
@Controller('accounts/:address/send-as')
export class SendAsController {
  constructor(private readonly sendAs: SendAsService) {}

  @Get()
  @RequirePermission('read', 'Account')
  @ApiOperation({ summary: 'Addresses (groups, other accounts) this account may send as, besides its own and its aliases' })
  @ApiZodQuery(listSendAsQuery)
  list(@CurrentActor() actor: Actor, @Param('address') address: string, @Query() query: unknown) {
    return this.sendAs.list(actor, address, query);
  }

  @Post()
  @RequirePermission('update', 'Account')
  @ApiOperation({ summary: 'Let this account send as a group or another account of its district' })
  @ApiZodBody(grantSendAsInput)
  @ApiIdempotent()
  grant(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown) {
    return this.sendAs.grant(actor, address, body);
  }

  @Delete(':granted')
  @HttpCode(204)
  @RequirePermission('update', 'Account')
  @ApiOperation({ summary: 'Take back the right to send as an address' })
  async revoke(@CurrentActor() actor: Actor, @Param('address') address: string, @Param('granted') granted: string) {
    await this.sendAs.revoke(actor, address, granted);
  }
}
