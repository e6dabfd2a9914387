/**
 * The console's only way to the server: same-origin fetches to the REST API, authenticated
 * by the httpOnly session cookie. State-changing requests repeat the CSRF cookie in the
 * X-CSRF-Token header (double submit); the API refuses them otherwise.
 */
export const API_BASE = '/api/v1';

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document from the API. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem.detail ?? problem.title ?? `request failed (${problem.status})`);
  }

  get status() {
    return this.problem.status;
  }

  /** The message for one form field, when the API named that field. */
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

function csrfToken(): string | null {
  const match = /(?:^|;\s*)schoolmail_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : null;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(method: string, path: string, options: { body?: unknown; query?: Query; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Schoolmail-Interface': 'console', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(`${API_BASE}${path}`, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError({ status: 0, title: 'Network error', detail: 'the server cannot be reached; check the connection and try again' });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new ApiError({ ...problem, status: response.status }, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, { body });
export const patch = <T>(path: string, body: unknown, version?: number) =>
  api<T>('PATCH', path, { body, headers: version === undefined ? {} : { 'If-Match': `"${version}"` } });
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, { body });
export const del = <T>(path: string) => api<T>('DELETE', path);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
