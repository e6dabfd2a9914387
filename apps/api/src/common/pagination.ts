import { z } from 'zod';
import { AppError } from './errors.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

/** Opaque cursor: the sort value and id of the last row of the previous page. */
export function encodeCursor(value: unknown, id: number | bigint | string) {
  const plain = typeof value === 'bigint' ? String(value) : value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([plain, String(id)])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: unknown; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string') throw new Error();
    return { value: parsed[0], id: parsed[1] };
  } catch {
    throw AppError.invalid('cursor', 'is not a cursor this API gave out');
  }
}

/**
 * Keyset pagination on (sortField, id): a `where` fragment that starts after the cursor,
 * the `orderBy`, and a function that turns the fetched rows (one more than the limit)
 * into a page. Page 20 costs the same as page 1.
 */
export function keyset<Row extends { id: number | bigint }>(options: {
  sortField: string;
  direction?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  parseValue?: (raw: unknown) => unknown;
  /** The sort field is unique (a name, an address): a plain range, which an index serves directly. */
  unique?: boolean;
}) {
  const direction = options.direction ?? 'asc';
  const op = direction === 'asc' ? 'gt' : 'lt';
  let where: object = {};
  if (options.cursor) {
    const { value, id } = decodeCursor(options.cursor);
    const sortValue = options.parseValue ? options.parseValue(value) : value;
    const idValue = /^\d+$/.test(id) ? Number(id) : id;
    where =
      options.sortField === 'id'
        ? { id: { [op]: idValue } }
        : options.unique
          ? { [options.sortField]: { [op]: sortValue } }
        : {
            OR: [
              { [options.sortField]: { [op]: sortValue } },
              { [options.sortField]: sortValue, id: { [op]: idValue } },
            ],
          };
  }
  const orderBy =
    options.sortField === 'id' || options.unique ? [{ [options.sortField]: direction }] : [{ [options.sortField]: direction }, { id: direction }];
  return {
    where,
    orderBy,
    take: options.limit + 1,
    page<Out>(rows: Row[], present: (row: Row) => Out): Page<Out> {
      const more = rows.length > options.limit;
      const kept = more ? rows.slice(0, options.limit) : rows;
      const last = kept.at(-1) as Record<string, unknown> | undefined;
      const lastValue = last?.[options.sortField];
      return {
        items: kept.map(present),
        nextCursor: more && last ? encodeCursor(lastValue, last.id as number) : null,
      };
    },
  };
}
