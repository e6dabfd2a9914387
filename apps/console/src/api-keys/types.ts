/** GET /api/v1/api-keys items */
export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: string | null;
  permissionSet: string | null;
  domain: string | null;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /api/v1/api-keys: the only time the secret is ever shown. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}
