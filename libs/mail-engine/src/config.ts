import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { parseSharedNetworks, type ClientLimit } from './access/client-limits.js';
import type { LoginThrottleLimits } from './access/login-throttle.js';
import { rpopDestinationSettings, type RpopDestinationSettings } from './rpop/destination-policy.js';

/** Everything the engine reads from the environment, with its default. */
export interface EngineConfig {
  /** This node's name in logs, queue claims and Received headers. */
  nodeId: string;
  hostname: string;
  dataDir: string;
  smtpPort: number;
  submissionPort: number;
  /** POP3 with STLS (default 2110); POP3 over implicit TLS only when `pop3sPort` is set. */
  pop3Port: number;
  pop3sPort?: number;
  /** IMAP with STARTTLS (default 2143); IMAP over implicit TLS only when `imapsPort` is set. */
  imapPort: number;
  imapsPort?: number;
  listenHost: string;
  tls: { certFile?: string; keyFile?: string };
  /** AUTH without STARTTLS (local trials only). */
  allowPlainAuth: boolean;
  maxConnectionsPerClient: number;
  /**
   * Client networks (CIDR) with many users behind one address, such as a school district's NAT
   * gateway: per-address limits are the `...PerSharedClient` ones there (access/client-limits.ts).
   */
  sharedAddressNetworks: string[];
  maxConnectionsPerSharedClient: number;
  /** Failed logins (every protocol, webmail and console sign-in of mailbox owners) in a sliding window. */
  loginFailures: { perClient: number; perSharedClient: number; perAccount: number; windowSeconds: number };
  /**
   * How long a new SMTP connection waits for its greeting (early-talker detection); 0 greets
   * on the next turn of the event loop, as Postfix's smtpd does. Absent: 0.
   */
  greetingDelayMs?: number;
  /** Client networks (CIDR) whose mail is trusted as a local source (skips impersonation and content checks). */
  trustedNetworks: string[];
  /** The cluster's nginx front-ends and back-ends (CIDR): may use XCLIENT and relay mail for mailboxes held here. */
  clusterNetworks: string[];
  maxReceivedHeaders: number;
  queue: {
    workers: number;
    /** Seconds to wait before each retry; the last value repeats. */
    retrySchedule: number[];
    maxAgeSeconds: number;
    /** Consecutive temporary failures after which a destination domain is held. */
    holdAfterFailures: number;
    /** How often a held destination is probed with one message. */
    probeIntervalSeconds: number;
    /** How long a worker's claim on an entry lasts before another may take it over. */
    claimSeconds: number;
    pollMilliseconds: number;
    connectTimeoutMs: number;
  };
  /** Subject prefix for messages tagged by a word list. */
  tagSubjectPrefix: string;
  /** How long decided (released or deleted) quarantine entries stay on record. */
  quarantineRetentionDays: number;
  /** Remote POP collection: how often due sources are looked for, how many run at once, where they may connect. */
  rpop: { pollMilliseconds: number; concurrency: number; timeoutMs: number; destinations: RpopDestinationSettings };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const optionalInteger = (env: NodeJS.ProcessEnv, name: string) => (env[name] ? integer(env, name, 0) : undefined);

const list = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The shared-address networks, checked at start-up: a typo must not silently keep a school locked out. */
function sharedAddressNetworks(env: NodeJS.ProcessEnv): string[] {
  const texts = list(env.SCHOOLMAIL_SHARED_ADDRESS_NETWORKS);
  parseSharedNetworks(texts);
  return texts;
}

/** The open-connection limit per client address of `config`. */
export function connectionLimitOf(config: EngineConfig): ClientLimit {
  return { perClient: config.maxConnectionsPerClient, perSharedClient: config.maxConnectionsPerSharedClient, sharedNetworks: parseSharedNetworks(config.sharedAddressNetworks) };
}

/** The failed-login limits of `config`, for the access module. */
export function loginLimitsOf(config: EngineConfig): LoginThrottleLimits {
  const { perClient, perSharedClient, perAccount, windowSeconds } = config.loginFailures;
  return { perClient, perSharedClient, perAccount, windowMs: windowSeconds * 1000, sharedNetworks: parseSharedNetworks(config.sharedAddressNetworks) };
}

export function loadEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const retry = list(env.SCHOOLMAIL_RETRY_SCHEDULE).map(Number);
  return {
    nodeId: env.SCHOOLMAIL_NODE_ID ?? hostname(),
    hostname: env.SCHOOLMAIL_HOSTNAME ?? hostname(),
    dataDir: resolve(env.SCHOOLMAIL_DATA_DIR ?? 'data'),
    smtpPort: integer(env, 'SMTP_PORT', 2525),
    submissionPort: integer(env, 'SUBMISSION_PORT', 2587),
    pop3Port: integer(env, 'POP3_PORT', 2110),
    pop3sPort: optionalInteger(env, 'POP3S_PORT'),
    imapPort: integer(env, 'IMAP_PORT', 2143),
    imapsPort: optionalInteger(env, 'IMAPS_PORT'),
    listenHost: env.SCHOOLMAIL_MAIL_HOST ?? '0.0.0.0',
    tls: { certFile: env.SCHOOLMAIL_TLS_CERT || undefined, keyFile: env.SCHOOLMAIL_TLS_KEY || undefined },
    allowPlainAuth: env.SCHOOLMAIL_ALLOW_PLAIN_AUTH === 'true',
    maxConnectionsPerClient: integer(env, 'SCHOOLMAIL_MAX_CONNECTIONS_PER_CLIENT', 50),
    sharedAddressNetworks: sharedAddressNetworks(env),
    maxConnectionsPerSharedClient: integer(env, 'SCHOOLMAIL_MAX_CONNECTIONS_PER_SHARED_CLIENT', 2000),
    loginFailures: {
      perClient: integer(env, 'SCHOOLMAIL_LOGIN_FAILURES_PER_CLIENT', 10),
      perSharedClient: integer(env, 'SCHOOLMAIL_LOGIN_FAILURES_PER_SHARED_CLIENT', 500),
      perAccount: integer(env, 'SCHOOLMAIL_LOGIN_FAILURES_PER_ACCOUNT', 10),
      windowSeconds: integer(env, 'SCHOOLMAIL_LOGIN_FAILURE_WINDOW_SECONDS', 300),
    },
    greetingDelayMs: integer(env, 'SCHOOLMAIL_SMTP_GREETING_DELAY_MS', 0),
    trustedNetworks: list(env.SCHOOLMAIL_TRUSTED_NETWORKS),
    clusterNetworks: list(env.SCHOOLMAIL_CLUSTER_NETWORKS),
    maxReceivedHeaders: 25,
    queue: {
      workers: integer(env, 'SCHOOLMAIL_QUEUE_WORKERS', 8),
      retrySchedule: retry.length && retry.every((n) => Number.isFinite(n) && n > 0) ? retry : [60, 300, 900, 1800, 3600, 7200, 14400],
      maxAgeSeconds: integer(env, 'SCHOOLMAIL_QUEUE_MAX_AGE_SECONDS', 5 * 24 * 3600),
      holdAfterFailures: integer(env, 'SCHOOLMAIL_HOLD_AFTER_FAILURES', 5),
      probeIntervalSeconds: integer(env, 'SCHOOLMAIL_PROBE_INTERVAL_SECONDS', 300),
      claimSeconds: integer(env, 'SCHOOLMAIL_QUEUE_CLAIM_SECONDS', 300),
      pollMilliseconds: integer(env, 'SCHOOLMAIL_QUEUE_POLL_MS', 500),
      connectTimeoutMs: integer(env, 'SCHOOLMAIL_SMTP_CONNECT_TIMEOUT_MS', 30_000),
    },
    tagSubjectPrefix: env.SCHOOLMAIL_TAG_SUBJECT_PREFIX ?? '[Filtered]',
    quarantineRetentionDays: integer(env, 'SCHOOLMAIL_QUARANTINE_RETENTION_DAYS', 30),
    rpop: {
      pollMilliseconds: integer(env, 'SCHOOLMAIL_RPOP_POLL_MS', 5000),
      concurrency: integer(env, 'SCHOOLMAIL_RPOP_CONCURRENCY', 4),
      timeoutMs: integer(env, 'SCHOOLMAIL_RPOP_TIMEOUT_MS', 30_000),
      destinations: rpopDestinationSettings(env),
    },
  };
}
