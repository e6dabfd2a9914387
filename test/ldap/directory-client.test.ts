import { createServer, type Server, type Socket } from 'node:net';
import { DirectoryUnavailableError, LdapjsDirectoryClient, type DirectoryConfig } from '@schoolmail/mail-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';

let slapd: TestSlapd;
let adaDn: string;

const configFor = (overrides: Partial<DirectoryConfig> = {}): DirectoryConfig => ({
  urls: [slapd.url],
  tlsMode: 'none',
  bindDn: LDAP_ADMIN_DN,
  bindPassword: LDAP_ADMIN_PASSWORD,
  userBase: LDAP_PEOPLE,
  userFilter: '(&(objectClass=inetOrgPerson)(mail={address}))',
  attributes: ['mail', 'uid', 'displayName'],
  connectTimeoutMs: 1_000,
  operationTimeoutMs: 1_000,
  ...overrides,
});

async function withClient<T>(config: DirectoryConfig, run: (client: LdapjsDirectoryClient) => Promise<T>): Promise<T> {
  const client = new LdapjsDirectoryClient(config);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  slapd = await TestSlapd.start({ tls: true });
  adaDn = slapd.addPerson({ uid: 'ada', mail: 'ada@school.test', password: 'ada-directory-pw', displayName: 'Ada Lovelace' });
  slapd.addPerson({ uid: 'bob', mail: 'bob@school.test', password: 'bob-directory-pw' });
});
afterAll(() => slapd?.close());

describe('LdapjsDirectoryClient against slapd', () => {
  it('finds a user by address with the mapped attributes and verifies its password by binding', async () => {
    await withClient(configFor(), async (client) => {
      const user = await client.findUser('ada@school.test');
      expect(user).toEqual({ dn: adaDn, attributes: { mail: ['ada@school.test'], uid: ['ada'], displayName: ['Ada Lovelace'] } });
      expect(await client.verify(adaDn, 'ada-directory-pw')).toBe(true);
      expect(await client.verify(adaDn, 'wrong')).toBe(false);
      expect(await client.verify(adaDn, '')).toBe(false);
    });
  });

  it('answers null for an unknown address', async () => {
    expect(await withClient(configFor(), (client) => client.findUser('nobody@school.test'))).toBeNull();
  });

  it.each(['*', '*)(uid=*', '(', ')', '\\', 'ada@school.test\0', '*@school.test'])('finds nothing for the injection attempt %j and sends it escaped', async (attempt) => {
    expect(await withClient(configFor(), (client) => client.findUser(attempt))).toBeNull();
    // slapd logs an assertion value it received as a literal `*` as \2A; a presence filter would read (mail=*).
    expect(slapd.log()).not.toMatch(/\(mail=\*\)|\(uid=\*\)/);
  });

  it('sends `*)(uid=*` as one escaped assertion value', async () => {
    await withClient(configFor(), (client) => client.findUser('*)(uid=*'));
    expect(slapd.log()).toContain('filter="(&(objectClass=inetOrgPerson)(mail=\\2A\\29\\28uid=\\2A))"');
  });

  it('takes the next URL when the first one refuses connections', async () => {
    const user = await withClient(configFor({ urls: ['ldap://127.0.0.1:1', slapd.url] }), (client) => client.findUser('bob@school.test'));
    expect(user?.attributes.uid).toEqual(['bob']);
  });

  it('reports a refused service bind as unavailable, not as a wrong user password', async () => {
    await expect(withClient(configFor({ bindPassword: 'not-the-admin-password' }), (client) => client.findUser('ada@school.test'))).rejects.toBeInstanceOf(DirectoryUnavailableError);
  });

  it('speaks StartTLS and ldaps when told to trust the server certificate', async () => {
    const caPem = slapd.certificatePem!;
    await withClient(configFor({ tlsMode: 'starttls', caPem }), async (client) => {
      const user = await client.findUser('ada@school.test');
      expect(await client.verify(user!.dn, 'ada-directory-pw')).toBe(true);
    });
    await withClient(configFor({ urls: [slapd.ldapsUrl!], tlsMode: 'ldaps', caPem }), async (client) => {
      const user = await client.findUser('ada@school.test');
      expect(await client.verify(user!.dn, 'ada-directory-pw')).toBe(true);
    });
    expect(slapd.log()).toMatch(/EXT oid=1\.3\.6\.1\.4\.1\.1466\.20037/);
  });

  it('refuses a server certificate it was not told to trust, as unavailable', async () => {
    for (const config of [configFor({ tlsMode: 'starttls' }), configFor({ urls: [slapd.ldapsUrl!], tlsMode: 'ldaps' })]) {
      const failure = withClient(config, (client) => client.findUser('ada@school.test'));
      await expect(failure).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(failure).rejects.toThrow(/certificate/i);
    }
  });

  describe('a server that accepts connections and never answers', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails with DirectoryUnavailableError within the operation timeout instead of hanging', async () => {
      const { port } = silent.address() as { port: number };
      const started = Date.now();
      await expect(withClient(configFor({ urls: [`ldap://127.0.0.1:${port}`], operationTimeoutMs: 300 }), (client) => client.findUser('ada@school.test'))).rejects.toBeInstanceOf(
        DirectoryUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});
