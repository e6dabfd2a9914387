/**
 * A private OpenLDAP slapd for tests: its own temporary directory, config and database, on a
 * random loopback port (TOOLCHAIN.md). Runs with `-d stats` so a test can read which filters
 * it was sent; stopped by its pid file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export const LDAP_SUFFIX = 'dc=school,dc=test';
export const LDAP_ADMIN_DN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ADMIN_PASSWORD = 'admin-secret';
export const LDAP_PEOPLE = `ou=people,${LDAP_SUFFIX}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface LdapPerson {
  uid: string;
  mail: string;
  password: string;
  cn?: string;
  displayName?: string;
  /** Routing (misc schema's `mailHost`, through the auxiliary class inetLocalMailRecipient). */
  mailHost?: string;
}

export class TestSlapd {
  private child: ChildProcess | null = null;
  private output = '';
  readonly url: string;
  /** With `tls`: the ldaps:// URL and the self-signed certificate (for 127.0.0.1) that clients must trust. */
  ldapsUrl: string | null = null;
  certificatePem: string | null = null;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.url = `ldap://127.0.0.1:${port}`;
  }

  /** `tls`: also StartTLS on the ldap:// port and implicit TLS on a second port. */
  static async start(options: { tls?: boolean } = {}): Promise<TestSlapd> {
    const dir = mkdtempSync(join(tmpdir(), 'schoolmail-slapd-'));
    mkdirSync(join(dir, 'db'));
    let tlsConfig = '';
    let certificatePem: string | null = null;
    if (options.tls) {
      const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
        keyType: 'rsa',
        keySize: 2048,
        algorithm: 'sha256',
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
      certificatePem = pems.cert;
      writeFileSync(join(dir, 'cert.pem'), pems.cert);
      writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
      tlsConfig = `TLSCertificateFile ${join(dir, 'cert.pem')}\nTLSCertificateKeyFile ${join(dir, 'key.pem')}\n`;
    }
    // misc: mailHost and its auxiliary class inetLocalMailRecipient, for routing by mailHost.
    const schema = ['core', 'cosine', 'inetorgperson', 'nis', 'misc'].map((name) => `include /etc/ldap/schema/${name}.schema`).join('\n');
    writeFileSync(
      join(dir, 'slapd.conf'),
      `${schema}
pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 104857600
suffix "${LDAP_SUFFIX}"
rootdn "${LDAP_ADMIN_DN}"
rootpw ${LDAP_ADMIN_PASSWORD}
${tlsConfig}directory ${join(dir, 'db')}
index mail,uid eq
`,
    );
    const slapd = new TestSlapd(dir, await freePort());
    if (certificatePem) {
      slapd.certificatePem = certificatePem;
      slapd.ldapsUrl = `ldaps://127.0.0.1:${await freePort()}`;
    }
    await slapd.resume();
    slapd.add(`dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: school\no: School\n\ndn: ${LDAP_PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`);
    return slapd;
  }

  /** Starts (or restarts, on the same port and data) the server and waits until it accepts connections. */
  async resume(): Promise<void> {
    const listeners = [this.url, this.ldapsUrl].filter(Boolean).map((url) => `${url}/`).join(' ');
    this.child = spawn('slapd', ['-f', join(this.dir, 'slapd.conf'), '-h', listeners, '-u', 'root', '-g', 'root', '-d', 'stats'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => (this.output += chunk));
    this.child.stderr!.on('data', (chunk) => (this.output += chunk));
    const deadline = Date.now() + 10_000;
    while (!(await portAnswers(this.port))) {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`slapd did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Loads LDIF with ldapadd as the directory manager. */
  add(ldif: string): void {
    const result = spawnSync('ldapadd', ['-x', '-H', this.url, '-D', LDAP_ADMIN_DN, '-w', LDAP_ADMIN_PASSWORD], { input: ldif, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ldapadd failed: ${result.stderr}`);
  }

  addPerson(person: LdapPerson): string {
    const dn = `uid=${person.uid},${LDAP_PEOPLE}`;
    this.add(
      [
        `dn: ${dn}`,
        'objectClass: inetOrgPerson',
        ...(person.mailHost ? ['objectClass: inetLocalMailRecipient', `mailHost: ${person.mailHost}`] : []),
        `uid: ${person.uid}`,
        `cn: ${person.cn ?? person.uid}`,
        `sn: ${person.uid}`,
        `mail: ${person.mail}`,
        `userPassword: ${person.password}`,
        ...(person.displayName ? [`displayName: ${person.displayName}`] : []),
        '',
      ].join('\n'),
    );
    return dn;
  }

  /** What slapd logged so far (stats level: one line per operation, with the search filters). */
  log(): string {
    return this.output;
  }

  /** Stops the server by its pid file; the data stays for resume(). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const pid = Number(readFileSync(join(this.dir, 'slapd.pid'), 'utf8').trim());
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    this.child = null;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
