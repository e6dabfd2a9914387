import type { PrivateTargetPolicy } from './target-guard.js';

/** The dispatcher's settings, from the environment (tests shorten the backoff to seconds). */
export interface WebhookDispatchConfig {
  /** Delays between attempts, in seconds; the last one repeats until `maxAgeSeconds`. */
  backoffSeconds: number[];
  /** A delivery not accepted this long after its event is marked failed (24 hours). */
  maxAgeSeconds: number;
  timeoutMs: number;
  pollMs: number;
  /** Deliveries claimed per round, sent concurrently. */
  batchSize: number;
  /** Which webhooks may connect to private or local addresses (target-guard.ts). */
  privateTargets: PrivateTargetPolicy;
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookDispatchConfig {
  const backoffRaw = env.SCHOOLMAIL_WEBHOOK_BACKOFF_SECONDS ?? '10,30,120,600,1800,3600,7200';
  const backoffSeconds = backoffRaw.split(',').map((part) => Number(part.trim()));
  if (backoffSeconds.length === 0 || backoffSeconds.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new Error(`SCHOOLMAIL_WEBHOOK_BACKOFF_SECONDS must be a comma-separated list of positive seconds, got "${backoffRaw}"`);
  }
  const privateTargets = env.SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS ?? 'staff';
  if (privateTargets !== 'staff' && privateTargets !== 'all' && privateTargets !== 'none') {
    throw new Error(`SCHOOLMAIL_WEBHOOK_PRIVATE_TARGETS must be staff, all or none, got "${privateTargets}"`);
  }
  return {
    privateTargets,
    backoffSeconds,
    maxAgeSeconds: numberFrom(env, 'SCHOOLMAIL_WEBHOOK_MAX_AGE_SECONDS', 24 * 3600),
    timeoutMs: numberFrom(env, 'SCHOOLMAIL_WEBHOOK_TIMEOUT_MS', 10_000),
    pollMs: numberFrom(env, 'SCHOOLMAIL_WEBHOOK_POLL_MS', 1_000),
    batchSize: numberFrom(env, 'SCHOOLMAIL_WEBHOOK_BATCH', 16),
  };
}

/** The delay before attempt `attempts + 1`, with +-20% jitter so failing receivers are not hit in lockstep. */
export function backoffDelayMs(config: Pick<WebhookDispatchConfig, 'backoffSeconds'>, attempts: number, random = Math.random): number {
  const base = config.backoffSeconds[Math.min(attempts - 1, config.backoffSeconds.length - 1)]! * 1000;
  return Math.round(base * (0.8 + 0.4 * random()));
}
