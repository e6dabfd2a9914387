/**
 * The console's browser session: httpOnly cookie + double-submit CSRF token, against the
 * real HTTP server. Bearer-token clients must see no difference.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, STAFF_PASSWORD, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ loginFailuresPerUser: 3 });
});
afterAll(() => api?.close());

interface CookieSession {
  cookie: string;
  csrf: string;
  setCookies: string[];
  body: any;
}

async function consoleLogin(username: string, password: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Schoolmail-Interface': 'console', ...headers },
    body: JSON.stringify({ username, password }),
  });
  return { response, body: await response.json() };
}

async function signIn(): Promise<CookieSession> {
  const { response, body } = await consoleLogin('staff', STAFF_PASSWORD);
  expect(response.status).toBe(200);
  const setCookies = response.headers.getSetCookie();
  const pairs = setCookies.map((c) => c.split(';')[0]!);
  const csrf = pairs.find((p) => p.startsWith('schoolmail_csrf='))!.split('=')[1]!;
  return { cookie: pairs.join('; '), csrf, setCookies, body };
}

function call(session: CookieSession, method: string, path: string, options: { csrf?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { cookie: session.cookie, 'Content-Type': 'application/json' };
  const csrf = options.csrf === undefined ? session.csrf : options.csrf;
  if (csrf !== null) headers['X-CSRF-Token'] = csrf;
  return fetch(`${api.baseUrl}/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

describe('console sign-in with cookies', () => {
  it('sets an httpOnly SameSite=Strict session cookie and a readable CSRF cookie, and keeps the token out of the body', async () => {
    const session = await signIn();
    const sessionCookie = session.setCookies.find((c) => c.startsWith('schoolmail_session='))!;
    const csrfCookie = session.setCookies.find((c) => c.startsWith('schoolmail_csrf='))!;
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Strict/);
    expect(sessionCookie).not.toMatch(/Secure/);
    expect(csrfCookie).not.toMatch(/HttpOnly/);
    expect(session.body.accessToken).toBeUndefined();
    expect(session.body.csrfToken).toBe(session.csrf);
    const me = await call(session, 'GET', '/auth/me', { csrf: null });
    expect(me.status).toBe(200);
    expect((await me.json()).name).toBe('staff');
  });

  it('marks the cookies Secure behind a proxy that says the request was HTTPS', async () => {
    const { response } = await consoleLogin('staff', STAFF_PASSWORD, { 'X-Forwarded-Proto': 'https' });
    for (const cookie of response.headers.getSetCookie()) expect(cookie).toMatch(/; Secure/);
  });

  it('refuses a state-changing request without, or with a wrong, CSRF token (403 problem document)', async () => {
    const session = await signIn();
    for (const csrf of [null, 'not-the-token']) {
      const response = await call(session, 'POST', '/domains', { csrf, body: { name: 'csrf.k12.us' } });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await response.json()).detail).toMatch(/CSRF/);
    }
    expect(await api.prisma.domain.count({ where: { name: 'csrf.k12.us' } })).toBe(0);
    const ok = await call(session, 'POST', '/domains', { body: { name: 'csrf.k12.us' } });
    expect(ok.status).toBe(201);
  });

  it('applies the CSRF check to GraphQL mutations sent with the cookie', async () => {
    const session = await signIn();
    const query = { query: 'mutation { createDomain(input: { name: "gql-csrf.k12.us" }) { name } }' };
    const refused = await fetch(`${api.baseUrl}/graphql`, { method: 'POST', headers: { cookie: session.cookie, 'Content-Type': 'application/json' }, body: JSON.stringify(query) });
    const body = await refused.json();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await api.prisma.domain.count({ where: { name: 'gql-csrf.k12.us' } })).toBe(0);
  });

  it('leaves bearer-token clients unaffected: no CSRF header needed, no cookies set', async () => {
    const login = await api.anonymous.post('/auth/login', { username: 'staff', password: STAFF_PASSWORD });
    expect(login.body.accessToken).toMatch(/^sms_/);
    expect(login.headers.get('set-cookie')).toBeNull();
    const created = await api.staff.post('/domains', { name: 'bearer.k12.us' });
    expect(created.status).toBe(201);
  });

  it('logout revokes the session and clears both cookies; the old cookie then answers 401', async () => {
    const session = await signIn();
    const logout = await call(session, 'POST', '/auth/logout');
    expect(logout.status).toBe(204);
    const cleared = logout.headers.getSetCookie();
    expect(cleared.some((c) => c.startsWith('schoolmail_session=;') && c.includes('1970'))).toBe(true);
    expect(cleared.some((c) => c.startsWith('schoolmail_csrf=;') && c.includes('1970'))).toBe(true);
    const after = await call(session, 'GET', '/auth/me');
    expect(after.status).toBe(401);
    expect((await after.json()).detail).toMatch(/session expired/);
  });

  it('answers 401 with a problem document once the session has expired', async () => {
    const session = await signIn();
    const token = decodeURIComponent(session.cookie.match(/schoolmail_session=([^;]+)/)![1]!);
    const tokenHash = createHash('sha256').update(token).digest('hex');
    expect((await api.prisma.session.updateMany({ where: { tokenHash }, data: { expiresAt: new Date(Date.now() - 1000) } })).count).toBe(1);
    const response = await call(session, 'GET', '/domains');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).status).toBe(401);
  });

  it('keeps the login rate limit for console sign-ins: 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await consoleLogin('nobody', 'wrong-password')).response.status).toBe(401);
    const { response, body } = await consoleLogin('nobody', 'wrong-password');
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.detail).toMatch(/try again in \d+ seconds/);
  });
});

describe('public branding', () => {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

  it('gives a domain\'s colours and logo to the sign-in page, inherited by sub-domains and host names under them', async () => {
    await api.staff.post('/domains', { name: 'brand.k12.us', branding: { productName: 'Brand Mail', primaryColor: '#aa0000' } });
    await api.staff.post('/domains', { name: 'west.brand.k12.us', parent: 'brand.k12.us', branding: { accentColor: '#00aa00' } });
    const upload = await api.staff.put('/domains/brand.k12.us/logo', { contentType: 'image/png', data: png.toString('base64') });
    expect(upload.status).toBe(200);
    expect(upload.body.branding.hasLogo).toBe(true);

    const branding = await api.anonymous.get('/branding?domain=console.west.brand.k12.us');
    expect(branding.status).toBe(200);
    expect(branding.body).toMatchObject({ domain: 'west.brand.k12.us', productName: 'Brand Mail', primaryColor: '#aa0000', accentColor: '#00aa00' });
    const logo = await fetch(`${api.baseUrl}${branding.body.logoUrl}`);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await logo.arrayBuffer()).equals(png)).toBe(true);

    const unknown = await api.anonymous.get('/branding?domain=nowhere.example');
    expect(unknown.body).toEqual({ domain: null, productName: 'Schoolmail', primaryColor: null, accentColor: null, logoUrl: null });
  });

  it('refuses a logo that is not the image type it claims, next to the field', async () => {
    const response = await api.staff.put('/domains/brand.k12.us/logo', { contentType: 'image/png', data: Buffer.from('<svg onload="x()"/>').toString('base64') });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'data', message: 'is not a image/png image' }]);
  });
});
