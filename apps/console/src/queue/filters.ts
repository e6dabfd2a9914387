/**
 * The queue's filters live in the URL query, so a filtered view can be bookmarked, shared
 * and restored with the back button. The names are the API's own query parameters.
 */
export const FILTER_FIELDS = ['sender', 'recipient', 'remoteDomain', 'minSize', 'maxSize', 'minAttempts', 'maxAttempts', 'state', 'olderThan', 'newerThan'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type QueueFilter = Partial<Record<FilterField, string>>;

const NUMERIC: ReadonlySet<FilterField> = new Set(['minSize', 'maxSize', 'minAttempts', 'maxAttempts']);

export function filterFromParams(params: URLSearchParams): QueueFilter {
  const filter: QueueFilter = {};
  for (const field of FILTER_FIELDS) {
    const value = params.get(field);
    if (value) filter[field] = value;
  }
  return filter;
}

export function filterToQueryString(filter: QueueFilter): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (filter[field]) params.set(field, filter[field]!.trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The filter as the body of POST /queue/actions: numbers as numbers, blanks left out. */
export function filterForAction(filter: QueueFilter): Record<string, string | number> {
  const body: Record<string, string | number> = {};
  for (const field of FILTER_FIELDS) {
    const value = filter[field]?.trim();
    if (value) body[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  return body;
}

export const isFiltered = (filter: QueueFilter) => FILTER_FIELDS.some((field) => Boolean(filter[field]));
