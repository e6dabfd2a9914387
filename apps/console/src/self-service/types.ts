/** GET /api/v1/password-policy */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  rules: Array<{ id: string; text: string }>;
}

/** GET /api/v1/accounts/{address}: what the owner's overview shows. */
export interface MyAccount {
  address: string;
  displayName: string | null;
  status: string;
  quota: { usedBytes: number; limitBytes: number };
  version: number;
}

export type PopTls = 'none' | 'starttls' | 'implicit';

/** GET /api/v1/accounts/{address}/rpop-sources items (the password is never sent back). */
export interface RpopSource {
  id: number;
  host: string;
  port: number;
  tls: PopTls;
  username: string;
  intervalSeconds: number;
  leaveOnServer: boolean;
  nextRunAt: string;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  fetchedCount: number;
}

export const TLS_LABEL: Record<PopTls, string> = {
  starttls: 'STARTTLS (port 110)',
  implicit: 'TLS from the start (port 995)',
  none: 'None: password sent in clear',
};

export const myAccountKey = (address: string) => ['self-service', 'account', address] as const;
export const rpopKey = (address: string) => ['self-service', 'rpop', address] as const;
