import { Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NGINX_SECRET_HEADER } from '@schoolmail/mail-engine';
import { Public } from '../common/permissions.js';
import { NginxAuthService } from './nginx-auth.service.js';

/** The parts of Express's request and response this route uses. */
interface PeerRequest {
  socket: { remoteAddress?: string };
}
interface HeaderResponse {
  status(code: number): HeaderResponse;
  set(headers: Record<string, string>): HeaderResponse;
  end(): void;
}

/** Called by nginx's mail proxy, not by people: not part of the documented API. */
@ApiExcludeController()
@Controller('internal')
export class NginxAuthController {
  constructor(private readonly nginxAuth: NginxAuthService) {}

  /**
   * @Public because nginx carries no user token: the caller is authenticated instead by the
   * shared secret header (SCHOOLMAIL_NGINX_AUTH_SECRET, sent with auth_http_header) and its
   * socket address must lie in SCHOOLMAIL_NGINX_AUTH_NETWORKS; both are checked before anything
   * else, and a failure is a 403 (nginx then tells the client to try later).
   */
  @Get('nginx-auth')
  @Public()
  async auth(@Req() request: PeerRequest, @Res() response: HeaderResponse, @Headers() headers: Record<string, string | undefined>) {
    this.nginxAuth.checkCaller(request.socket.remoteAddress, headers[NGINX_SECRET_HEADER.toLowerCase()]);
    const answer = await this.nginxAuth.answer({
      method: headers['auth-method'],
      user: headers['auth-user'],
      pass: headers['auth-pass'],
      protocol: headers['auth-protocol'],
      loginAttempt: headers['auth-login-attempt'],
      clientIp: headers['client-ip'],
    });
    response.status(200).set({ ...answer, 'cache-control': 'no-store' }).end();
  }
}
