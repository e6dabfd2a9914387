/**
 * One exception type for the whole API, with a code that maps to an HTTP status (REST
 * problem documents) and to a GraphQL `extensions.code`, so both interfaces say the same.
 */
export const ERROR_STATUS = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  PRECONDITION_REQUIRED: 428,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  DIRECTORY_REFUSED: 502,
  DIRECTORY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLE: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Invalid request',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'The resource has changed',
  PAYLOAD_TOO_LARGE: 'Request too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNPROCESSABLE: 'Request cannot be processed',
  PRECONDITION_REQUIRED: 'Precondition required',
  TOO_MANY_REQUESTS: 'Too many requests',
  INTERNAL: 'Internal error',
  DIRECTORY_REFUSED: 'The directory refused the change',
  DIRECTORY_UNAVAILABLE: 'The directory was unreachable',
};

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }

  get status() {
    return ERROR_STATUS[this.code];
  }

  static notFound(what: string, key: string) {
    return new AppError('NOT_FOUND', `${what} ${key} does not exist`);
  }

  static invalid(field: string, message: string) {
    return new AppError('BAD_USER_INPUT', `${field}: ${message}`, { errors: [{ field, message }] });
  }

  static conflict(message: string, field?: string) {
    return new AppError('CONFLICT', message, field ? { errors: [{ field, message }] } : {});
  }
}
