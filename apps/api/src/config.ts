import { resolve } from 'node:path';
import { rpopDestinationSettings, type RpopDestinationSettings } from '@schoolmail/mail-engine';

/** Everything the API reads from the environment, in one place, with its default. */
export interface ApiConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  embeddedPostgresPort: number;
  httpPort: number;
  httpHost: string;
  adminUser: string;
  adminPassword: string | undefined;
  sessionTtlMinutes: number;
  production: boolean;
  /** Failed logins allowed per username, and per client address, in `loginWindowMinutes`. */
  loginFailuresPerUser: number;
  loginFailuresPerAddress: number;
  loginWindowMinutes: number;
  /** Where remote POP sources may point (checked when one is saved; the engine checks again at each connection). */
  rpopDestinations: RpopDestinationSettings;
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    dataDir: resolve(env.SCHOOLMAIL_DATA_DIR ?? 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPostgresPort: integer('SCHOOLMAIL_PG_PORT', 5433),
    httpPort: integer('HTTP_PORT', 3000),
    httpHost: env.HTTP_HOST ?? '0.0.0.0',
    adminUser: env.SCHOOLMAIL_ADMIN_USER ?? 'admin',
    adminPassword: env.SCHOOLMAIL_ADMIN_PASSWORD || undefined,
    sessionTtlMinutes: integer('SCHOOLMAIL_SESSION_TTL_MINUTES', 12 * 60),
    production: env.NODE_ENV === 'production',
    loginFailuresPerUser: integer('SCHOOLMAIL_LOGIN_FAILURES_PER_USER', 5),
    loginFailuresPerAddress: integer('SCHOOLMAIL_LOGIN_FAILURES_PER_ADDRESS', 20),
    loginWindowMinutes: integer('SCHOOLMAIL_LOGIN_WINDOW_MINUTES', 15),
    rpopDestinations: rpopDestinationSettings(env),
  };
}

export const API_CONFIG = Symbol('API_CONFIG');
