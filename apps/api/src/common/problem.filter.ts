import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ForbiddenError } from '@schoolmail/rbac';
import { GraphQLError } from 'graphql';
import { AppError, ERROR_TITLE, type ErrorCode } from './errors.js';
import type { RequestWithActor } from './actor.js';
import { AuditService } from '../audit/audit.service.js';

const HTTP_TO_CODE: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
};

/** Turns anything thrown into our AppError; unknown errors become a bare 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ForbiddenError) return new AppError('FORBIDDEN', 'you do not have the right to do this here');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_TO_CODE[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_USER_INPUT');
    if (status === 400 && /JSON/i.test(error.message)) return new AppError('BAD_USER_INPUT', 'the request body is not valid JSON');
    if (status === 404) return new AppError('NOT_FOUND', 'no such route');
    return new AppError(code, error.message);
  }
  const prismaCode = (error as { code?: unknown })?.code;
  if (prismaCode === 'P2002') return new AppError('CONFLICT', 'an object with this name or address already exists');
  if (prismaCode === 'P2025') return new AppError('NOT_FOUND', 'the object does not exist');
  if (prismaCode === 'P2003') return new AppError('CONFLICT', 'the object is still in use');
  const type = (error as { type?: unknown })?.type;
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'the request body is larger than allowed');
  if (type === 'entity.parse.failed') return new AppError('BAD_USER_INPUT', 'the request body is not valid JSON');
  return new AppError('INTERNAL', 'internal error; the server log has the details');
}

/**
 * The one place where errors become responses: RFC 9457 problem documents for REST and
 * GraphQL errors with `extensions.code` for GraphQL. No stack trace reaches a client.
 * Refused authorizations are written to the audit log here.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  constructor(private readonly audit: AuditService) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const error = toAppError(exception);
    const isGraphql = host.getType<string>() === 'graphql';
    const request: RequestWithActor | undefined = isGraphql ? host.getArgByIndex(2)?.req : host.switchToHttp().getRequest();
    if (error.code === 'INTERNAL') this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (error.code === 'FORBIDDEN' && request?.actor) {
      void this.audit.recordDenied(request.actor, `${request.method ?? 'POST'} ${request.originalUrl ?? request.url ?? ''}`, error.message);
    }
    if (isGraphql) {
      return new GraphQLError(error.message, {
        extensions: { code: error.code, status: error.status, ...(error.extra.errors ? { errors: error.extra.errors } : {}) },
      });
    }
    const response = host.switchToHttp().getResponse();
    if (error.extra.retryAfterSeconds) response.setHeader('Retry-After', String(error.extra.retryAfterSeconds));
    response
      .status(error.status)
      .type('application/problem+json')
      .send({
        type: `urn:schoolmail:problem:${error.code.toLowerCase().replace(/_/g, '-')}`,
        title: ERROR_TITLE[error.code],
        status: error.status,
        detail: error.message,
        instance: request?.originalUrl,
        ...(error.extra.errors ? { errors: error.extra.errors } : {}),
      });
  }
}
