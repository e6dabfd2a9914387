/**
 * Authorization cannot be forgotten: every REST route and every GraphQL query and mutation
 * must declare its access rule (@Public, @Authenticated or @RequirePermission). This test
 * walks the running application and fails on any route without one, and keeps a snapshot
 * of the whole permission map so every change of a permission shows up in review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, type AccessDeclaration } from '../../apps/api/src/common/permissions.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

interface Entry {
  kind: 'REST' | 'GraphQL';
  name: string;
  access: AccessDeclaration | undefined;
}

function entries(): Entry[] {
  const found: Entry[] = [];
  const seen = new Set<unknown>();
  // The application's module container (public API: NestApplicationContext#container).
  const container = (api.app as unknown as { container: { getModules(): Map<string, { controllers: Map<unknown, { metatype: unknown }>; providers: Map<unknown, { metatype: unknown }> }> } }).container;
  for (const module of container.getModules().values()) {
    for (const wrapper of [...module.controllers.values(), ...module.providers.values()]) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type || typeof type !== 'function' || !type.prototype || seen.has(type)) continue;
      seen.add(type);
      const classPath: string | undefined = Reflect.getMetadata('path', type);
      for (const methodName of Object.getOwnPropertyNames(type.prototype)) {
        if (methodName === 'constructor') continue;
        // Read descriptors, not properties: some framework classes have getters that run code.
        const handler = Object.getOwnPropertyDescriptor(type.prototype, methodName)?.value;
        if (typeof handler !== 'function') continue;
        const access: AccessDeclaration | undefined = Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, type);
        const httpMethod: number | undefined = Reflect.getMetadata('method', handler);
        const routePath: string | string[] | undefined = Reflect.getMetadata('path', handler);
        if (classPath !== undefined && httpMethod !== undefined && routePath !== undefined) {
          const verb = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD'][httpMethod] ?? String(httpMethod);
          found.push({ kind: 'REST', name: `${verb} /${[classPath, routePath].filter((p) => p && p !== '/').join('/')}`, access });
        }
        const resolverType = Reflect.getMetadata('graphql:resolver_type', handler);
        if (resolverType === 'Query' || resolverType === 'Mutation' || resolverType === 'Subscription') {
          const fieldName = Reflect.getMetadata('graphql:resolver_name', handler) ?? methodName;
          found.push({ kind: 'GraphQL', name: `${resolverType}.${fieldName}`, access });
        }
      }
    }
  }
  return found.sort((a, b) => `${a.kind} ${a.name}`.localeCompare(`${b.kind} ${b.name}`));
}

const describeAccess = (access: AccessDeclaration) =>
  access.kind === 'permission' ? `${access.action} ${access.subject}` : access.kind;

describe('access declarations', () => {
  it('finds the routes and resolvers of the application', () => {
    const all = entries();
    expect(all.some((e) => e.name === 'POST /auth/login')).toBe(true);
    expect(all.some((e) => e.name === 'Query.domains')).toBe(true);
  });

  it('has an access rule on every REST route and GraphQL operation', () => {
    const undeclared = entries().filter((e) => !e.access).map((e) => `${e.kind} ${e.name}`);
    expect(undeclared).toEqual([]);
  });

  it('keeps public routes to the few that must be public', () => {
    const open = entries().filter((e) => e.access?.kind === 'public').map((e) => e.name);
    // Branding is what a district shows on its own sign-in page, before anyone signs in.
    // nginx's mail auth_http carries no user token: it is checked by a shared secret and the caller's network.
    expect(open.sort()).toEqual(['GET /api/health', 'GET /branding', 'GET /branding/logo', 'GET /internal/nginx-auth', 'POST /auth/login']);
  });

  it('matches the reviewed permission map', async () => {
    const map = entries().map((e) => `${e.kind.padEnd(8)} ${e.name.padEnd(60)} ${e.access ? describeAccess(e.access) : 'UNDECLARED'}`).join('\n');
    await expect(`${map}\n`).toMatchFileSnapshot('./__snapshots__/permission-map.txt');
  });
});
