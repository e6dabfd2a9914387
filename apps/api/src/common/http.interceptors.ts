import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { from, of, switchMap, tap, type Observable } from 'rxjs';
import { PRISMA, type Database } from '../database/database.js';
import type { RequestWithActor } from './actor.js';
import { AppError } from './errors.js';
import { etagOf } from './etag.js';

/** Sets `ETag` from the `version` of a single-resource response. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      tap((body) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') context.switchToHttp().getResponse().setHeader('ETag', etagOf(version));
      }),
    );
  }
}

const NO_REPLAY_KEY = 'schoolmail:no-idempotency-replay';

/**
 * For creates whose response holds a secret shown once (API keys): the response is never
 * stored, so the secret never rests in the database; such a POST ignores Idempotency-Key.
 */
export const NoIdempotencyReplay = () => SetMetadata(NO_REPLAY_KEY, true);

/**
 * `Idempotency-Key` on POST: the first response (status and body) is remembered for the
 * principal and key for 24 hours and replayed to a retry, so a CMS that retries after a
 * timeout creates once. The same key with a different request body answers 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || this.reflector.get(NO_REPLAY_KEY, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const rawKey = request.headers['idempotency-key'];
    const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
    if (request.method !== 'POST' || !key || !request.actor) return next.handle();
    if (key.length > 255) throw AppError.invalid('Idempotency-Key', 'is longer than 255 characters');
    const actor = request.actor;
    const principal = `${actor.principal.kind}:${actor.principal.name}`;
    const requestHash = createHash('sha256').update(`${request.method} ${request.originalUrl} ${JSON.stringify(request.body ?? null)}`).digest('hex');
    const response = context.switchToHttp().getResponse();
    return from(this.prisma.idempotencyRecord.findUnique({ where: { principal_key: { principal, key } } })).pipe(
      switchMap((stored) => {
        if (stored && Date.now() - stored.createdAt.getTime() < 24 * 3600_000) {
          if (stored.requestHash !== requestHash) {
            throw new AppError('UNPROCESSABLE', 'this Idempotency-Key was already used for a different request');
          }
          response.status(stored.status);
          response.setHeader('Idempotency-Replayed', 'true');
          return of(stored.body);
        }
        return next.handle().pipe(
          switchMap((body) =>
            from(
              this.prisma.idempotencyRecord.upsert({
                where: { principal_key: { principal, key } },
                create: { principal, key, requestHash, status: response.statusCode, body: (body ?? null) as never },
                update: { requestHash, status: response.statusCode, body: (body ?? null) as never, createdAt: new Date() },
              }),
            ).pipe(switchMap(() => of(body))),
          ),
        );
      }),
    );
  }
}
