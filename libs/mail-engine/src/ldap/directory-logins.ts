/**
 * Password checks for accounts whose domain authenticates against LDAP: search the user with
 * the service identity, then bind as its DN. Mail clients log in for every message and every
 * folder check, so a success is remembered for the source's cacheSeconds, as an HMAC of
 * address and password under a key that lives only in this process (never the password), and
 * tied to the source's version: a changed source invalidates it at once. A login answered by
 * the directory also reports the entry's mailHost, which the caller keeps on the account for
 * routing; one answered from memory reports nothing new.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SealedSecrets } from '../secrets/sealed-secrets.js';
import type { AuthSourceRow } from './auth-sources.js';
import { DirectoryUnavailableError, type DirectoryClientFactory, type DirectoryConfig } from './directory-client.js';
import { ldapjsDirectoryClient } from './ldapjs-directory-client.js';
import { mailHostOf } from './mail-host.js';

const MAX_ENTRIES = 50_000;

/** The client settings of a source; its sealed bind password opened. */
export function directoryConfigOf(source: AuthSourceRow, secrets: SealedSecrets): DirectoryConfig {
  let bindPassword: string | null = null;
  if (source.bindPasswordSealed) {
    try {
      bindPassword = secrets.open(source.bindPasswordSealed);
    } catch {
      // A key rotated without re-entering the password: an operator's problem, not a wrong user password.
      throw new DirectoryUnavailableError('the service bind password cannot be unsealed with this installation key');
    }
  }
  const attributes = [source.mailAttribute, source.uidAttribute, source.displayNameAttribute, source.mailHostAttribute, source.quotaAttribute].filter((name): name is string => !!name);
  return {
    urls: source.urls,
    tlsMode: source.tlsMode,
    caPem: source.caPem,
    bindDn: source.bindDn,
    bindPassword,
    userBase: source.userBase,
    userFilter: source.userFilter,
    attributes,
    connectTimeoutMs: source.connectTimeoutMs,
    operationTimeoutMs: source.operationTimeoutMs,
  };
}

export interface DirectoryLoginsOptions {
  secrets: SealedSecrets;
  connect?: DirectoryClientFactory;
}

/** A login the directory accepted. */
export interface AcceptedDirectoryLogin {
  /** The entry's mailHost (mail-host.ts) when the directory was asked now; undefined when the success came from memory. */
  mailHost?: string | null;
}

export class DirectoryLogins {
  private readonly processKey = randomBytes(32);
  private readonly verified = new Map<string, { sourceKey: string; digest: Buffer; until: number }>();
  private readonly connect: DirectoryClientFactory;

  constructor(private readonly options: DirectoryLoginsOptions) {
    this.connect = options.connect ?? ldapjsDirectoryClient;
  }

  /** Does the directory accept `password` for `address`? null when it does not; throws DirectoryUnavailableError when it cannot tell. */
  async verify(source: AuthSourceRow, address: string, password: string): Promise<AcceptedDirectoryLogin | null> {
    if (!password) return null;
    const sourceKey = `${source.id}:${source.version}`;
    const digest = createHmac('sha256', this.processKey).update(address).update('\0').update(password).digest();
    const known = this.verified.get(address);
    if (known && known.sourceKey === sourceKey && known.until > Date.now() && timingSafeEqual(known.digest, digest)) return {};

    const client = this.connect(directoryConfigOf(source, this.options.secrets));
    let mailHost: string | null;
    try {
      const user = await client.findUser(address);
      if (!user || !(await client.verify(user.dn, password))) return null;
      mailHost = mailHostOf(user, source.mailHostAttribute);
    } finally {
      await client.close();
    }
    if (source.cacheSeconds > 0) {
      if (this.verified.size >= MAX_ENTRIES) this.verified.clear();
      this.verified.set(address, { sourceKey, digest, until: Date.now() + source.cacheSeconds * 1000 });
    }
    return { mailHost };
  }
}
