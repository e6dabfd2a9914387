import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated, Public } from '../common/permissions.js';
import { ClientIp, CurrentActor, type Actor } from '../common/actor.js';
import { AuthService, loginInput } from './auth.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in (admins by username, mailbox owners by address); returns a bearer token' })
  @ApiBody({ schema: z.toJSONSchema(loginInput) as object })
  login(@Body() body: unknown, @ClientIp() ip: string | null) {
    return this.auth.login(body, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the bearer token of this session' })
  async logout(@CurrentActor() actor: Actor) {
    await this.auth.logout(actor);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: principal, grants and the rules of my ability' })
  me(@CurrentActor() actor: Actor) {
    return this.auth.whoAmI(actor);
  }
}
