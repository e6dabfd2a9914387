import { CliError, type Problem } from './cli-error.js';
import { EXIT } from './exit-codes.js';

const DEFAULT_TIMEOUT_MS = 30_000;

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Response<T> {
  status: number;
  body: T;
}

/** Encodes each interpolated value as one path segment: `path\`/accounts/${address}\``. */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>) {
  return strings.reduce((out, text, index) => out + text + (index < values.length ? encodeURIComponent(String(values[index])) : ''), '');
}

/** The REST API at `/api/v1`, with an API key; HTTP failures become CliErrors with exit codes. */
export class ApiClient {
  private readonly base: string;

  constructor(
    url: string,
    private readonly apiKey: string,
    private readonly timeoutMs = Number(process.env.SCHOOLMAIL_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
  ) {
    // Accept the server's root as well as the API's root, with or without a trailing slash.
    this.base = url.replace(/\/+$/, '').replace(/\/api\/v1$/, '') + '/api/v1';
  }

  /** Answers the status and body of any response, or throws on network failures only. */
  async send<T = any>(method: string, route: string, options: RequestOptions = {}): Promise<Response<T>> {
    const url = new URL(this.base + route);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    let response: globalThis.Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          'x-schoolmail-interface': 'cli',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : describeNetworkError(error);
      throw new CliError(EXIT.server, `cannot reach the API at ${this.base}: ${cause}`);
    }
    const text = await response.text();
    let body: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    return { status: response.status, body: (text ? body : null) as T };
  }

  /** Like `send`, but a 4xx/5xx answer throws its problem document as a CliError. */
  async request<T = any>(method: string, route: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send<T>(method, route, options);
    if (response.status >= 400) throw problemError(response.status, response.body);
    return response.body;
  }

  get<T = any>(route: string, query?: Query) {
    return this.request<T>('GET', route, { query });
  }
  post<T = any>(route: string, body: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>('POST', route, { body, headers });
  }
  patch<T = any>(route: string, body: unknown) {
    return this.request<T>('PATCH', route, { body });
  }
  put<T = any>(route: string, body: unknown = {}) {
    return this.request<T>('PUT', route, { body });
  }
  delete(route: string, query?: Query) {
    return this.request<null>('DELETE', route, { query });
  }
}

export function problemError(status: number, body: unknown) {
  const problem: Problem = body && typeof body === 'object' ? (body as Problem) : { detail: typeof body === 'string' && body ? body.slice(0, 500) : undefined };
  return CliError.fromProblem(status, problem);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
