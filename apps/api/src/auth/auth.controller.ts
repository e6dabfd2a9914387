import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated, Public } from '../common/permissions.js';
import { ClientIp, CurrentActor, type Actor } from '../common/actor.js';
import { AuthService, loginInput } from './auth.service.js';
import { clearSessionCookies, readCookie, SESSION_COOKIE, setSessionCookies, wantsCookieSession, type CookieRequest, type CookieResponse } from './session-cookies.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary:
      'Sign in (admins by username, mailbox owners by address); returns a bearer token, or with "X-Schoolmail-Interface: console" ' +
      'sets an httpOnly session cookie and a CSRF cookie instead (the token is then not in the body)',
  })
  @ApiHeader({ name: 'X-Schoolmail-Interface', required: false, description: '"console" for a browser cookie session' })
  @ApiBody({ schema: z.toJSONSchema(loginInput) as object })
  async login(
    @Body() body: unknown,
    @ClientIp() ip: string | null,
    @Req() request: CookieRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ) {
    const session = await this.auth.login(body, ip);
    if (!wantsCookieSession(request)) return session;
    // A page's scripts never hold the session token: it lives only in the httpOnly cookie.
    const { accessToken, tokenType: _bearer, ...rest } = session;
    const csrfToken = setSessionCookies(request, response, accessToken, new Date(session.expiresAt));
    return { ...rest, csrfToken };
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the bearer token of this session (and clear the console\'s cookies)' })
  async logout(@CurrentActor() actor: Actor, @Req() request: CookieRequest, @Res({ passthrough: true }) response: CookieResponse) {
    await this.auth.logout(actor);
    if (readCookie(request, SESSION_COOKIE)) clearSessionCookies(request, response);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: principal, grants and the rules of my ability' })
  me(@CurrentActor() actor: Actor) {
    return this.auth.whoAmI(actor);
  }
}
