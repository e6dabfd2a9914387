/**
 * The one seam between Schoolmail and an LDAP library: login and the console's "test" button
 * need only these two operations, so ldapjs (archived upstream) can be swapped for ldapts
 * without touching a caller.
 */
export type LdapTlsMode = 'none' | 'starttls' | 'ldaps';

export interface DirectoryConfig {
  /** Tried in order until one answers. */
  urls: string[];
  tlsMode: LdapTlsMode;
  /** Trusted CA certificates (PEM) for ldaps/StartTLS; the system store when absent. */
  caPem?: string | null;
  /** The service identity that searches for users; anonymous when absent. */
  bindDn?: string | null;
  bindPassword?: string | null;
  userBase: string;
  /** A filter template, see escape.ts userFilterFor. */
  userFilter: string;
  /** Attributes to read for a found user. */
  attributes: string[];
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

export interface DirectoryUser {
  dn: string;
  /** Attribute values by the attribute names asked for (as the server spells them). */
  attributes: Record<string, string[]>;
}

export interface DirectoryClient {
  /** The single entry the user filter finds for `address`; null for none or an ambiguous match. */
  findUser(address: string): Promise<DirectoryUser | null>;
  /** Does a bind as `dn` with `password` succeed? An empty password is always false (it would be an anonymous bind). */
  verify(dn: string, password: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The directory cannot answer now (down, slow, TLS or service-bind failure): a temporary condition, never a wrong password. */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}

export type DirectoryClientFactory = (config: DirectoryConfig) => DirectoryClient;
