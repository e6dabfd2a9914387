import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ApiConfig } from '../../apps/api/src/config.js';
import { ensureFirstAdmin } from '../../apps/api/src/auth/first-admin.js';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { createTestDatabase } from './database.js';

export const STAFF_PASSWORD = 'staff-password-1';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A REST + GraphQL client for one principal (or none), speaking real HTTP. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', `/api/v1${path}`, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', `/api/v1${path}`, body ?? {}, headers);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', `/api/v1${path}`, body, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', `/api/v1${path}`, body ?? {}, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', `/api/v1${path}`, undefined, headers);
  }

  /** Runs a GraphQL operation; answers `{ data, errors }` as the server sent them. */
  async graphql<T = any>(query: string, variables: Record<string, unknown> = {}) {
    const response = await this.request<{ data: T; errors?: Array<{ message: string; extensions: { code: string } }> }>('POST', '/graphql', {
      query,
      variables,
    });
    return response.body;
  }
}

/** A running API (real HTTP on a random port) on a fresh database of its own. */
export async function startTestApi(overrides: Partial<ApiConfig> = {}) {
  const db = await createTestDatabase();
  const config: ApiConfig = {
    ...loadConfig({}),
    dataDir: mkdtempSync(join(tmpdir(), 'schoolmail-test-data-')),
    databaseUrl: db.url,
    adminUser: 'staff',
    adminPassword: STAFF_PASSWORD,
    httpPort: 0,
    ...overrides,
  };
  await ensureFirstAdmin(db.prisma, config, () => {});
  const app = await createHttpApp(config, db.prisma, { logLevels: ['error'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const anonymous = new ApiClient(baseUrl);

  async function login(username: string, password: string) {
    const response = await anonymous.post('/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return new ApiClient(baseUrl, response.body.accessToken);
  }

  return {
    app,
    baseUrl,
    prisma: db.prisma,
    config,
    anonymous,
    login,
    staff: await login('staff', STAFF_PASSWORD),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
