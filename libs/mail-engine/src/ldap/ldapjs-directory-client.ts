/**
 * DirectoryClient on ldapjs. One connection per client, opened on first use against the
 * first URL that answers; every step runs under a deadline so a silent or slow server turns
 * into DirectoryUnavailableError instead of a hung login.
 */
import { isIP } from 'node:net';
import ldap from 'ldapjs';
import type { Client, SearchEntry } from 'ldapjs';
import { DirectoryUnavailableError, type DirectoryClient, type DirectoryConfig, type DirectoryUser } from './directory-client.js';
import { unescapeFilterValue, userFilterFor, userFilterProblem } from './escape.js';

/** Result codes that mean "these credentials are not accepted", not "the directory is broken". */
const REFUSED_CODES = new Set([
  32, // noSuchObject: the DN vanished between search and bind
  48, // inappropriateAuthentication
  49, // invalidCredentials
  50, // insufficientAccessRights
  53, // unwillingToPerform (e.g. a locked password policy)
]);

const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

export function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function withDeadline<T>(ms: number, what: string, run: (done: (error: unknown, value?: T) => void) => void, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new DirectoryUnavailableError(`${what}: no answer within ${ms} ms`));
    }, ms);
    run((error, value) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as T);
    });
  });
}

export class LdapjsDirectoryClient implements DirectoryClient {
  private connection: Promise<Client> | null = null;

  constructor(protected readonly config: DirectoryConfig) {}

  async findUser(address: string): Promise<DirectoryUser | null> {
    // No address holds a control character, and slapd's IA5 matching ignores a trailing NUL:
    // "ada@school.test\0" would find Ada's entry.
    if (CONTROL_CHARACTER.test(address)) return null;
    const client = await this.connect();
    await this.bind(client, this.config.bindDn ?? '', this.config.bindPassword ?? '', 'service bind').catch((error: unknown) => {
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(`service bind refused: ${String(error)}`);
    });
    const entries = await this.search(client, userFilterFor(this.config.userFilter, address));
    return entries.length === 1 ? entries[0]! : null;
  }

  async verify(dn: string, password: string): Promise<boolean> {
    if (!password) return false;
    const client = await this.connect();
    try {
      await this.bind(client, dn, password, 'user bind');
      return true;
    } catch (error) {
      if (REFUSED_CODES.has(codeOf(error) ?? -1)) return false;
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(`user bind: ${String(error)}`);
    }
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = null;
    const client = await pending?.catch(() => null);
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (client.destroy(), resolve()), 500);
      client.unbind(() => (clearTimeout(timer), client.destroy(), resolve()));
    });
  }

  protected connect(): Promise<Client> {
    this.connection ??= this.firstAnswering();
    return this.connection;
  }

  private async firstAnswering(): Promise<Client> {
    const failures: string[] = [];
    for (const url of this.config.urls) {
      try {
        return await this.open(url);
      } catch (error) {
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new DirectoryUnavailableError(`no LDAP server answered (${failures.join('; ') || 'no URL configured'})`);
  }

  private async open(url: string): Promise<Client> {
    // ldapjs upgrades a StartTLS socket without a host name, so Node would check the
    // certificate against "localhost"; the URL's host is the name to check.
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const tlsOptions = { host, ...(isIP(host) ? {} : { servername: host }), ...(this.config.caPem ? { ca: [this.config.caPem] } : {}) };
    const client = ldap.createClient({
      url,
      connectTimeout: this.config.connectTimeoutMs,
      timeout: this.config.operationTimeoutMs,
      tlsOptions,
      reconnect: false,
    });
    // ldapjs emits 'error' for a failed connect or a dropped socket; unhandled, it would throw.
    client.on('error', () => {});
    await withDeadline<void>(
      this.config.connectTimeoutMs,
      `connect ${url}`,
      (done) => {
        client.once('connect', () => done(null));
        client.once('connectError', (error: unknown) => done(error ?? new Error('connect failed')));
        client.once('connectRefused', (error: unknown) => done(error ?? new Error('connection refused')));
        client.once('connectTimeout', (error: unknown) => done(error ?? new Error('connect timeout')));
        client.once('error', (error: unknown) => done(error));
      },
      () => client.destroy(),
    ).catch((error: unknown) => {
      client.destroy();
      throw error;
    });
    if (this.config.tlsMode === 'starttls') {
      await withDeadline<void>(this.config.operationTimeoutMs, `StartTLS ${url}`, (done) => client.starttls(tlsOptions, [], (error) => done(error)), () => client.destroy()).catch(
        (error: unknown) => {
          client.destroy();
          throw error;
        },
      );
    }
    return client;
  }

  protected bind(client: Client, dn: string, password: string, what: string): Promise<void> {
    return withDeadline<void>(this.config.operationTimeoutMs, what, (done) => client.bind(dn, password, (error) => done(error)), () => this.abandon(client));
  }

  private search(client: Client, filter: string): Promise<DirectoryUser[]> {
    const { userBase, attributes, operationTimeoutMs } = this.config;
    const found: DirectoryUser[] = [];
    return withDeadline<DirectoryUser[]>(
      operationTimeoutMs,
      'user search',
      (done) =>
        client.search(userBase, { scope: 'sub', filter: toLdapjsFilter(filter), attributes, sizeLimit: 2, timeLimit: Math.ceil(operationTimeoutMs / 1000) }, (error, response) => {
          if (error) return done(new DirectoryUnavailableError(`user search: ${String(error)}`));
          response.on('searchEntry', (entry: SearchEntry) => found.push(toUser(entry)));
          response.on('error', (searchError: unknown) => {
            // sizeLimitExceeded: more than one entry matches, which is ambiguous, not an outage.
            if (codeOf(searchError) === 4) done(null, found);
            else if (codeOf(searchError) === 32) done(null, []);
            else done(new DirectoryUnavailableError(`user search: ${String(searchError)}`));
          });
          response.on('end', () => done(null, found));
        }),
      () => this.abandon(client),
    );
  }

  /** After a timeout the connection's state is unknown: drop it so the next call starts afresh. */
  protected abandon(client: Client) {
    this.connection = null;
    client.destroy();
  }
}

const VALUE_FILTERS = new Set(['EqualityFilter', 'ApproximateFilter', 'GreaterThanEqualsFilter', 'LessThanEqualsFilter']);

type FilterNode = { type: string; value?: unknown; filter?: FilterNode; filters?: FilterNode[] };

/**
 * ldapjs 3 keeps a parsed filter's \xx escapes as literal text and sends them so: slapd would
 * search for the characters "\2a" instead of "*". The assertion values are therefore put back
 * to their bytes before the request is encoded.
 */
function toLdapjsFilter(text: string): ldap.Filter {
  const root = ldap.parseFilter(text) as unknown as FilterNode;
  const visit = (node: FilterNode) => {
    if (VALUE_FILTERS.has(node.type) && typeof node.value === 'string') node.value = unescapeFilterValue(node.value);
    else if (node.type === 'NotFilter' && node.filter) visit(node.filter);
    else node.filters?.forEach(visit);
  };
  visit(root);
  return root as unknown as ldap.Filter;
}

export function toUser(entry: SearchEntry): DirectoryUser {
  const attributes: Record<string, string[]> = {};
  for (const attribute of entry.pojo.attributes) attributes[attribute.type] = attribute.values;
  return { dn: entry.pojo.objectName, attributes };
}

export const ldapjsDirectoryClient = (config: DirectoryConfig): DirectoryClient => new LdapjsDirectoryClient(config);

/** Why a user filter template cannot be used, checked with this library's own parser; null when it can. */
export const checkUserFilter = (template: string): string | null => userFilterProblem(template, ldap.parseFilter);
