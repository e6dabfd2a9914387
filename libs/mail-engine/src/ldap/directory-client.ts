/**
 * The one seam between Schoolmail and an LDAP library: login and the console's "test" button
 * need only DirectoryClient's two operations, provisioning and `ldap sync` only
 * DirectoryAdmin's, so ldapjs (archived upstream) can be swapped for ldapts without touching
 * a caller.
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

export interface DirectoryEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** One attribute change of an LDAP modify (RFC 4511 4.6); `delete` with no values removes the attribute. */
export interface DirectoryChange {
  operation: 'add' | 'replace' | 'delete';
  attribute: string;
  values: string[];
}

/**
 * Writes and whole listings as the service identity, for provisioning and `ldap sync`. DNs
 * are passed through verbatim: callers build them with escapeDnValue (RFC 4514).
 */
export interface DirectoryAdmin {
  read(dn: string, attributes: string[]): Promise<DirectoryEntry | null>;
  add(dn: string, attributes: Record<string, string[]>): Promise<void>;
  modify(dn: string, changes: DirectoryChange[]): Promise<void>;
  /** Gives the entry `newRdn` (e.g. `cn=New\, Name`) under the same parent. */
  rename(dn: string, newRdn: string): Promise<void>;
  remove(dn: string): Promise<void>;
  /** Every entry under `base` whose `attribute` ends with `suffix`, fetched in pages (RFC 2696). */
  searchBySuffix(base: string, attribute: string, suffix: string, attributes: string[], pageSize: number): Promise<DirectoryEntry[]>;
  close(): Promise<void>;
}

/** The directory answered, and said no (a constraint, an existing entry, missing rights): retrying will not help. */
export class DirectoryRefusedError extends Error {
  override readonly name = 'DirectoryRefusedError';
  constructor(
    message: string,
    readonly resultCode: number,
  ) {
    super(message);
  }
}

/** The directory cannot answer now (down, slow, TLS or service-bind failure): a temporary condition, never a wrong password. */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}

export type DirectoryClientFactory = (config: DirectoryConfig) => DirectoryClient;
export type DirectoryAdminFactory = (config: DirectoryConfig) => DirectoryAdmin;
