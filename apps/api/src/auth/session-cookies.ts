import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Browser sessions of the console: the session token travels in an httpOnly cookie that
 * scripts cannot read, and every state-changing request must repeat a CSRF token that only
 * a page of this origin can read (double submit). Bearer-token clients never see these.
 */
export const SESSION_COOKIE = 'schoolmail_session';
export const CSRF_COOKIE = 'schoolmail_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The header a browser page sends to ask for a cookie session instead of a bearer token. */
export const INTERFACE_HEADER = 'x-schoolmail-interface';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CookieRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  secure?: boolean;
}

export interface CookieResponse {
  append(field: string, value: string): unknown;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function readCookie(request: CookieRequest, name: string): string | null {
  const header = first(request.headers.cookie);
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** HTTPS directly, or through a proxy that says so: only then may a cookie be marked Secure. */
export function isHttps(request: CookieRequest): boolean {
  if (request.secure) return true;
  const forwarded = first(request.headers['x-forwarded-proto']);
  return forwarded?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export function wantsCookieSession(request: CookieRequest): boolean {
  return first(request.headers[INTERFACE_HEADER]) === 'console';
}

function cookie(name: string, value: string, options: { httpOnly: boolean; secure: boolean; expires: Date }) {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Expires=${options.expires.toUTCString()}`,
    'SameSite=Strict',
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Sets both cookies for a new session; the CSRF token is returned for the page as well. */
export function setSessionCookies(request: CookieRequest, response: CookieResponse, token: string, expiresAt: Date): string {
  const csrfToken = randomBytes(32).toString('base64url');
  const secure = isHttps(request);
  response.append('Set-Cookie', cookie(SESSION_COOKIE, token, { httpOnly: true, secure, expires: expiresAt }));
  response.append('Set-Cookie', cookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure, expires: expiresAt }));
  return csrfToken;
}

export function clearSessionCookies(request: CookieRequest, response: CookieResponse) {
  const secure = isHttps(request);
  const past = new Date(0);
  response.append('Set-Cookie', cookie(SESSION_COOKIE, '', { httpOnly: true, secure, expires: past }));
  response.append('Set-Cookie', cookie(CSRF_COOKIE, '', { httpOnly: false, secure, expires: past }));
}

/**
 * A cookie-authenticated request that changes state must carry the CSRF cookie's value in
 * the X-CSRF-Token header: another site can make the browser send the cookies, but cannot
 * read them to fill in the header.
 */
export function csrfSatisfied(request: CookieRequest): boolean {
  if (SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) return true;
  const expected = readCookie(request, CSRF_COOKIE);
  const given = first(request.headers[CSRF_HEADER]);
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
