/**
 * DirectoryAdmin on ldapjs: the service identity's writes and paged listings. Shares the
 * connection handling (URLs in order, TLS, deadlines) of LdapjsDirectoryClient.
 */
import ldap from 'ldapjs';
import type { Client, SearchEntry } from 'ldapjs';
import { DirectoryRefusedError, DirectoryUnavailableError, type DirectoryAdmin, type DirectoryChange, type DirectoryConfig, type DirectoryEntry } from './directory-client.js';
import { codeOf, LdapjsDirectoryClient, toUser, withDeadline } from './ldapjs-directory-client.js';

/** Result codes that mean "the server cannot do it now", as opposed to "the server will not do it". */
const TEMPORARY_CODES = new Set([
  3, // timeLimitExceeded
  51, // busy
  52, // unavailable
]);

/**
 * ldapjs 3 parses every DN string it is given and prints it again, and its parser drops
 * escaped leading/trailing spaces and its printer leaves a backslash unescaped. A DN built
 * with escapeDnValue is therefore handed over as an object that prints exactly that string.
 */
class VerbatimDn extends (ldap.DN as unknown as new () => object) {
  constructor(private readonly text: string) {
    super();
  }
  override toString() {
    return this.text;
  }
}
const verbatim = (dn: string) => new VerbatimDn(dn) as unknown as ldap.DN;

type Send = (request: unknown, expect: number[], emitter: null, callback: (error: unknown) => void) => void;

export class LdapjsDirectoryAdmin extends LdapjsDirectoryClient implements DirectoryAdmin {
  private boundClient: Client | null = null;

  async read(dn: string, attributes: string[]): Promise<DirectoryEntry | null> {
    const entries = await this.searchEntries(dn, { scope: 'base', filter: new ldap.PresenceFilter({ attribute: 'objectClass' }), attributes }, 'read');
    return entries[0] ?? null;
  }

  async add(dn: string, attributes: Record<string, string[]>): Promise<void> {
    const client = await this.serviceClient();
    const entry = Object.entries(attributes).map(([type, values]) => new ldap.Attribute({ type, values }));
    await this.write(client, `add ${dn}`, (done) => client.add(verbatim(dn) as never, entry, done));
  }

  async modify(dn: string, changes: DirectoryChange[]): Promise<void> {
    if (changes.length === 0) return;
    const client = await this.serviceClient();
    const ldapChanges = changes.map((change) => new ldap.Change({ operation: change.operation, modification: new ldap.Attribute({ type: change.attribute, values: change.values }) }));
    await this.write(client, `modify ${dn}`, (done) => client.modify(verbatim(dn) as never, ldapChanges, done));
  }

  async rename(dn: string, newRdn: string): Promise<void> {
    const client = await this.serviceClient();
    // Client.modifyDN only takes strings (and re-parses them): the request is built here instead.
    const request = new (ldap as unknown as { ModifyDNRequest: new (options: object) => unknown }).ModifyDNRequest({ entry: verbatim(dn), newRdn: verbatim(newRdn), deleteOldRdn: true });
    const send = (client as unknown as { _send: Send })._send.bind(client);
    await this.write(client, `rename ${dn}`, (done) => send(request, [0], null, done));
  }

  async remove(dn: string): Promise<void> {
    const client = await this.serviceClient();
    await this.write(client, `delete ${dn}`, (done) => client.del(verbatim(dn) as never, done));
  }

  async searchBySuffix(base: string, attribute: string, suffix: string, attributes: string[], pageSize: number): Promise<DirectoryEntry[]> {
    const filter = new ldap.SubstringFilter({ attribute, final: suffix } as never);
    return this.searchEntries(base, { scope: 'sub', filter, attributes, paged: { pageSize, pagePause: false } }, 'listing');
  }

  override async close(): Promise<void> {
    this.boundClient = null;
    await super.close();
  }

  /** The connection, bound once as the service identity. */
  private async serviceClient(): Promise<Client> {
    const client = await this.connect();
    if (this.boundClient === client) return client;
    await this.bind(client, this.config.bindDn ?? '', this.config.bindPassword ?? '', 'service bind').catch((error: unknown) => {
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(`service bind refused: ${String(error)}`);
    });
    this.boundClient = client;
    return client;
  }

  private write(client: Client, what: string, run: (done: (error: unknown) => void) => void): Promise<void> {
    return withDeadline<void>(this.config.operationTimeoutMs, what, (done) => run((error) => done(error ?? null)), () => this.abandon(client)).catch((error: unknown) => {
      throw classify(error, what);
    });
  }

  /**
   * A search whose deadline restarts with every entry and page, so a listing of 100,000
   * entries may take minutes while a server that stops answering is still noticed.
   */
  private async searchEntries(base: string, options: ldap.SearchOptions, what: string): Promise<DirectoryEntry[]> {
    const client = await this.serviceClient();
    const found: DirectoryEntry[] = [];
    return new Promise<DirectoryEntry[]>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      let settled = false;
      const settle = (error: unknown, entries?: DirectoryEntry[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(classify(error, what));
        else resolve(entries!);
      };
      const idle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.abandon(client);
          settle(new DirectoryUnavailableError(`${what}: no answer within ${this.config.operationTimeoutMs} ms`));
        }, this.config.operationTimeoutMs);
      };
      idle();
      client.search(verbatim(base) as never, options, (error, response) => {
        if (error) return settle(error);
        response.on('searchEntry', (entry: SearchEntry) => (idle(), found.push(toUser(entry))));
        response.on('page', idle);
        response.on('error', (searchError: unknown) => (codeOf(searchError) === 32 ? settle(null, []) : settle(searchError)));
        response.on('end', () => settle(null, found));
      });
    });
  }
}

function classify(error: unknown, what: string): Error {
  if (error instanceof DirectoryUnavailableError || error instanceof DirectoryRefusedError) return error;
  const code = codeOf(error);
  const message = (error as { lde_message?: string; message?: string } | null)?.lde_message || (error instanceof Error ? error.message : String(error));
  if (code === undefined || TEMPORARY_CODES.has(code)) return new DirectoryUnavailableError(`${what}: ${message}`);
  return new DirectoryRefusedError(`${what}: ${message} (LDAP result ${code})`, code);
}

export const ldapjsDirectoryAdmin = (config: DirectoryConfig): DirectoryAdmin => new LdapjsDirectoryAdmin(config);
