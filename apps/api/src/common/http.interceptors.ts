import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { catchError, from, of, switchMap, tap, throwError, type Observable } from 'rxjs';
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

/** A claimed key whose request has not answered yet (its row's `status`). */
const IN_PROGRESS = 0;
/** How long a replay is offered. */
const REPLAY_MS = 24 * 3600_000;
/** A claim older than this belongs to a request that died with its process: a retry takes it over. */
const ABANDONED_MS = 5 * 60_000;
/** How long a retry waits for the first request to answer before it is told to come back. */
const WAIT_FOR_FIRST_MS = 30_000;

type Claim = { owned: true } | { owned: false; status: number; requestHash: string; body: unknown };

/**
 * `Idempotency-Key` on POST: the first response (status and body) is remembered for the
 * principal and key for 24 hours and replayed to a retry, so a CMS that retries after a
 * timeout creates once. The same key with a different request body answers 422.
 *
 * The key is claimed (a row IN_PROGRESS) before the request runs, so a retry that arrives
 * while the first request is still running cannot run it a second time: it waits for the
 * first answer and replays it, or, after 30 s, answers 409 with Retry-After. A request that
 * fails gives its key up, so it can be retried, as if it had never come.
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
    const where = { principal_key: { principal, key } };
    return from(this.claim(principal, key, requestHash)).pipe(
      switchMap((claim) => {
        if (!claim.owned) {
          if (claim.requestHash !== requestHash) throw new AppError('UNPROCESSABLE', 'this Idempotency-Key was already used for a different request');
          response.status(claim.status);
          response.setHeader('Idempotency-Replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          switchMap((body) =>
            from(this.prisma.idempotencyRecord.update({ where, data: { status: response.statusCode, body: (body ?? null) as never } })).pipe(switchMap(() => of(body))),
          ),
          catchError((error: unknown) => from(this.prisma.idempotencyRecord.deleteMany({ where: { principal, key, status: IN_PROGRESS } })).pipe(switchMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  /** Takes the key for this request, or answers what the earlier request with it answered. */
  private async claim(principal: string, key: string, requestHash: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      // New, expired, or abandoned mid-request: this request takes it.
      const taken = await this.prisma.$executeRaw`
        INSERT INTO "IdempotencyRecord" ("principal", "key", "requestHash", "status", "createdAt")
        VALUES (${principal}, ${key}, ${requestHash}, ${IN_PROGRESS}, now())
        ON CONFLICT ("principal", "key") DO UPDATE SET "requestHash" = EXCLUDED."requestHash", "status" = ${IN_PROGRESS}, "body" = NULL, "createdAt" = now()
        WHERE "IdempotencyRecord"."createdAt" < now() - make_interval(secs => ${(REPLAY_MS / 1000) | 0})
           OR ("IdempotencyRecord"."status" = ${IN_PROGRESS} AND "IdempotencyRecord"."createdAt" < now() - make_interval(secs => ${ABANDONED_MS / 1000}))`;
      if (taken === 1) return { owned: true };
      const earlier = await this.prisma.idempotencyRecord.findUnique({ where: { principal_key: { principal, key } } });
      if (!earlier) continue; // its request failed and gave the key up just now
      if (earlier.status !== IN_PROGRESS || earlier.requestHash !== requestHash) return { owned: false, status: earlier.status, requestHash: earlier.requestHash, body: earlier.body };
      if (Date.now() > deadline) {
        throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still being processed; retry it later', { retryAfterSeconds: 5 });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
