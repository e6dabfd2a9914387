/**
 * The answer to nginx's mail `auth_http` request
 * (http://nginx.org/en/docs/mail/ngx_mail_auth_http_module.html): the login is decided by
 * the same MailAccess as a direct one (local or LDAP, throttled), then the back-end that
 * holds the mailbox (its mailHost, else its domain's) is named by IP and port. Failures are `Auth-Status: <text>`,
 * with `Auth-Wait` when the client may try again on the same connection.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Db } from '../contracts.js';
import type { MailAccess } from '../access/types.js';
import { backendForAccount, type RoutedService } from './routing.js';

export interface NginxAuthRequest {
  method?: string;
  user?: string;
  pass?: string;
  protocol?: string;
  loginAttempt?: string;
  clientIp?: string;
}

export interface NginxAuthOptions {
  db: Db;
  access: MailAccess;
  staleSeconds: number;
  /** This node: unassigned domains go here first when it serves mail. */
  preferNodeId?: string;
  /** Seconds nginx waits before the next attempt after a wrong password (default 3). */
  failureWaitSeconds?: number;
}

export type NginxAuthAnswer = Record<string, string>;

/** nginx limits the attempts of one session only through answers without Auth-Wait (its docs advise 10 to 20). */
const MAX_ATTEMPTS_PER_SESSION = 10;
const TEMPORARY_WAIT_SECONDS = 5;
const MAX_WAIT_SECONDS = 60;
const PROTOCOLS: readonly RoutedService[] = ['imap', 'pop3', 'smtp'];

/** nginx URL-escapes Auth-User and Auth-Pass (since 1.5.6). */
function unescape(value: string | undefined) {
  if (value === undefined) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function refusal(status: string, protocol: RoutedService | undefined, smtpCode: string, waitSeconds?: number): NginxAuthAnswer {
  return {
    'Auth-Status': status,
    ...(waitSeconds !== undefined ? { 'Auth-Wait': String(Math.min(Math.max(1, Math.ceil(waitSeconds)), MAX_WAIT_SECONDS)) } : {}),
    ...(protocol === 'smtp' ? { 'Auth-Error-Code': smtpCode } : {}),
  };
}

const temporary = (protocol: RoutedService, message: string) =>
  refusal(`Temporary server problem, try again later (${message})`, protocol, '454 4.7.0', TEMPORARY_WAIT_SECONDS);

/** nginx connects to Auth-Server as given: it must be an IP address. */
async function ipOf(host: string) {
  return isIP(host) ? host : (await lookup(host)).address;
}

export async function answerNginxAuth(options: NginxAuthOptions, request: NginxAuthRequest): Promise<NginxAuthAnswer> {
  const protocol = PROTOCOLS.find((p) => p === request.protocol?.toLowerCase());
  if (!protocol) return refusal(`Unsupported protocol ${request.protocol ?? '(none)'}`, undefined, '');
  const method = (request.method ?? '').toLowerCase();
  // APOP and CRAM-MD5 need the clear-text password on the server, which is never stored.
  if (method !== 'plain' && method !== 'login') {
    return refusal(method === 'none' ? 'Authentication required' : `Authentication method ${method || '(none)'} is not supported`, protocol, '530 5.7.0');
  }
  const attempt = Number(request.loginAttempt ?? '1');
  const mayRetry = !(attempt >= MAX_ATTEMPTS_PER_SESSION);
  const outcome = await options.access.login({
    user: unescape(request.user),
    password: unescape(request.pass),
    service: protocol,
    clientIp: request.clientIp || 'unknown',
  });
  if (!outcome.ok) {
    switch (outcome.reason) {
      case 'credentials':
        return refusal('Invalid login or password', protocol, '535 5.7.8', mayRetry ? (options.failureWaitSeconds ?? 3) : undefined);
      case 'disabled':
        return refusal(outcome.message, protocol, '535 5.7.1');
      case 'rate-limited':
        return refusal('Too many failed logins, try again later', protocol, '454 4.7.0', mayRetry ? outcome.retryAfterSeconds : undefined);
      case 'unavailable':
        return temporary(protocol, 'the directory is not answering');
    }
  }
  let backend;
  try {
    backend = await backendForAccount(options.db, outcome.accountId, protocol, { staleSeconds: options.staleSeconds, preferNodeId: options.preferNodeId });
  } catch {
    return temporary(protocol, 'the database is not answering');
  }
  if (!backend.ok) return temporary(protocol, backend.message);
  let server: string;
  try {
    server = await ipOf(backend.host);
  } catch {
    return temporary(protocol, `cannot resolve back-end "${backend.node.id}"`);
  }
  return { 'Auth-Status': 'OK', 'Auth-Server': server, 'Auth-Port': String(backend.port) };
}
