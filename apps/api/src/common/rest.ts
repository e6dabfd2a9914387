import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** OpenAPI body documentation generated from the same zod schema that validates it. */
export const ApiZodBody = (schema: z.ZodType) => ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as object });

/** OpenAPI query parameters from a zod object schema. */
export function ApiZodQuery(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({ name, required: false, schema: z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as object }),
    ),
  );
}

const problem = { description: 'RFC 9457 problem document', content: { 'application/problem+json': { schema: { type: 'object' } } } };

/** The responses every authenticated route can give, documented once. */
export const ApiStandardErrors = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 400, ...problem }),
    ApiResponse({ status: 401, ...problem }),
    ApiResponse({ status: 403, ...problem }),
    ApiResponse({ status: 404, ...problem }),
  );

export const ApiIdempotent = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe create: the same key replays the first response for 24 hours' });

export const ApiIfMatch = () =>
  ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read; 412 when the resource has changed since' });
