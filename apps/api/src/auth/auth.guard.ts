import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, type AccessDeclaration } from '../common/permissions.js';
import { requestOf, type Interface } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { PrincipalResolver } from './principals.js';
import { csrfSatisfied, readCookie, SESSION_COOKIE } from './session-cookies.js';

function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value && /^Bearer\s+(\S+)$/i.exec(value);
  return match ? match[1]! : null;
}

/**
 * The global guard: reads the route's access declaration (a route without one is refused,
 * so none can be left open by accident), authenticates the bearer token (or the console's
 * session cookie, whose state-changing requests must also pass the CSRF check), builds the
 * request's one ability and checks the declared permission against it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (!declaration) throw new AppError('INTERNAL', `route ${context.getClass().name}.${context.getHandler().name} declares no access rule`);
    if (declaration.kind === 'public') return true;
    const request = requestOf(context);
    const bearer = bearerToken(request.headers.authorization);
    const cookieToken = bearer ? null : readCookie(request, SESSION_COOKIE);
    const token = bearer ?? cookieToken;
    if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first: send "Authorization: Bearer <token>"');
    const declaredInterface = request.headers['x-schoolmail-interface'];
    const iface: Interface = cookieToken
      ? 'console'
      : declaredInterface === 'cli' || declaredInterface === 'console'
        ? declaredInterface
        : context.getType<string>() === 'graphql'
          ? 'graphql'
          : 'rest';
    const actor = await this.principals.fromToken(token, { interface: iface, clientIp: request.ip ?? null });
    if (!actor) {
      throw new AppError('UNAUTHENTICATED', cookieToken ? 'your session expired or was signed out; sign in again' : 'the token is unknown, expired or revoked');
    }
    if (cookieToken && !csrfSatisfied(request)) {
      throw new AppError('FORBIDDEN', 'missing or wrong CSRF token: send the schoolmail_csrf cookie value in the X-CSRF-Token header');
    }
    request.actor = actor;
    if (declaration.kind === 'permission' && !actor.ability.can(declaration.action, declaration.subject)) {
      throw new AppError('FORBIDDEN', `your role may not ${declaration.action} ${declaration.subject} objects`);
    }
    return true;
  }
}
