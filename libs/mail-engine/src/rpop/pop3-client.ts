/**
 * A small POP3 client (RFC 1939, STLS of RFC 2595) for collecting remote mailboxes: just what
 * RPOP needs (USER/PASS, UIDL, RETR, DELE, QUIT), every step under a timeout, TLS
 * certificates verified, and a cap on the size of a response so a hostile server cannot
 * fill the memory.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { connect as connectPlain, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

export type RemoteTlsMode = 'none' | 'starttls' | 'implicit';

export interface Pop3ClientOptions {
  host: string;
  port: number;
  tls: RemoteTlsMode;
  timeoutMs: number;
  /** Largest multi-line response accepted (a message), in bytes. */
  maxResponseBytes: number;
  /** Extra TLS options (trusted certificates for a private server). */
  tlsOptions?: ConnectionOptions;
  /**
   * The host's addresses, resolved and checked by the caller (rpop/destination-policy.ts): only
   * these are dialled, while TLS still verifies the certificate against `host`. Without them
   * the system resolves `host`.
   */
  addresses?: LookupAddress[];
}

/** The remote server said -ERR (or something unreadable); `text` is its status line. */
export class Pop3ClientError extends Error {
  constructor(
    readonly step: string,
    readonly text: string,
  ) {
    super(`${step}: ${text}`);
    this.name = 'Pop3ClientError';
  }
}

type Expectation = { step: string; multiline: boolean; resolve: (value: { status: string; body: Buffer }) => void; reject: (error: Error) => void };

const TERMINATOR = Buffer.from('\r\n.\r\n', 'latin1');

function unstuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  return Buffer.from(text.replace(/^\.\./gm, '.'), 'latin1');
}

/** A `lookup` answering with addresses resolved and checked beforehand: no second resolution can differ. */
function fixedLookup(addresses: LookupAddress[]) {
  return (_host: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export class Pop3Client {
  private buffer: Buffer = Buffer.alloc(0);
  private expecting: Expectation | null = null;
  private failure: Error | null = null;

  private constructor(
    private socket: Socket,
    private readonly options: Pop3ClientOptions,
  ) {
    this.attach(socket);
  }

  static async connect(options: Pop3ClientOptions): Promise<Pop3Client> {
    // The certificate is checked against the host name (`host` of a TLS upgrade; SNI only for a name, RFC 6066).
    const tlsOptions: ConnectionOptions = { host: options.host, ...(isIP(options.host) ? {} : { servername: options.host }), ...options.tlsOptions };
    const target = { host: options.host, port: options.port, ...(options.addresses ? { lookup: fixedLookup(options.addresses) } : {}) };
    const socket = options.tls === 'implicit' ? connectTls({ ...tlsOptions, ...target }) : connectPlain(target);
    const client = new Pop3Client(socket, options);
    try {
      await client.response('greeting', false);
      if (options.tls === 'starttls') {
        await client.command('STLS');
        await client.upgrade(tlsOptions);
      }
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  async login(user: string, password: string): Promise<void> {
    await this.command('USER', user);
    await this.command('PASS', password);
  }

  /** Message numbers and unique ids of the remote maildrop. */
  async uidl(): Promise<Array<{ number: number; uidl: string }>> {
    const body = await this.multiline('UIDL');
    return body
      .toString('latin1')
      .split('\r\n')
      .filter(Boolean)
      .map((line) => {
        const [number, uidl] = line.split(' ');
        if (!number || !uidl || !/^[0-9]+$/.test(number)) throw new Pop3ClientError('UIDL', `unreadable line "${line.slice(0, 80)}"`);
        return { number: Number(number), uidl };
      });
  }

  retrieve(number: number): Promise<Buffer> {
    return this.multiline('RETR', String(number));
  }

  async delete(number: number): Promise<void> {
    await this.command('DELE', String(number));
  }

  /** QUIT: the remote server removes the messages marked by DELE now (its UPDATE state). */
  async quit(): Promise<void> {
    await this.command('QUIT');
    this.close();
  }

  close() {
    this.socket.destroy();
  }

  private async command(verb: string, argument?: string): Promise<string> {
    const line = argument === undefined ? verb : `${verb} ${argument}`;
    if (/[\r\n]/.test(line)) throw new Pop3ClientError(verb, 'an argument contains a line break');
    this.socket.write(`${line}\r\n`);
    return (await this.response(verb, false)).status;
  }

  private async multiline(verb: string, argument?: string): Promise<Buffer> {
    this.socket.write(`${argument === undefined ? verb : `${verb} ${argument}`}\r\n`);
    return (await this.response(verb, true)).body;
  }

  private response(step: string, multiline: boolean): Promise<{ status: string; body: Buffer }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.expecting = {
        step,
        multiline,
        resolve,
        reject: (error) => reject(error instanceof Pop3ClientError ? error : new Pop3ClientError(step, error.message)),
      };
      this.parse();
    });
  }

  private parse() {
    const expecting = this.expecting;
    if (!expecting) return;
    const step = expecting.step;
    const lineEnd = this.buffer.indexOf('\r\n');
    if (lineEnd < 0) {
      if (this.buffer.length > 4096) this.fail(new Pop3ClientError(step, 'not a POP3 answer (status line too long)'));
      return;
    }
    const status = this.buffer.subarray(0, lineEnd).toString('latin1');
    if (!status.startsWith('+OK')) {
      this.buffer = this.buffer.subarray(lineEnd + 2);
      this.expecting = null;
      // Only a POP3 server's own refusal is repeated (it reaches the API): never what some other service said.
      return expecting.reject(new Pop3ClientError(step, status.startsWith('-ERR') ? status.slice(0, 300) : 'not a POP3 answer'));
    }
    if (!expecting.multiline) {
      this.buffer = this.buffer.subarray(lineEnd + 2);
      this.expecting = null;
      return expecting.resolve({ status, body: Buffer.alloc(0) });
    }
    // The body starts after the status line's CRLF; searching from that CRLF finds an empty body's terminator too.
    const end = this.buffer.indexOf(TERMINATOR, lineEnd);
    if (end < 0) {
      if (this.buffer.length > this.options.maxResponseBytes) this.fail(new Pop3ClientError(step, `response larger than ${this.options.maxResponseBytes} bytes`));
      return;
    }
    const body = end === lineEnd ? Buffer.alloc(0) : unstuff(this.buffer.subarray(lineEnd + 2, end + 2));
    this.buffer = this.buffer.subarray(end + TERMINATOR.length);
    this.expecting = null;
    expecting.resolve({ status, body });
  }

  private fail(error: Error) {
    this.failure ??= error;
    const expecting = this.expecting;
    this.expecting = null;
    expecting?.reject(error);
    this.socket.destroy();
  }

  private attach(socket: Socket) {
    socket.setTimeout(this.options.timeoutMs, () => this.fail(new Error(`no answer from ${this.options.host}:${this.options.port} within ${this.options.timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error(`${this.options.host}:${this.options.port} closed the connection`)));
  }

  private upgrade(tlsOptions: ConnectionOptions): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.setTimeout(0);
    this.buffer = Buffer.alloc(0);
    return new Promise((resolve, reject) => {
      const secure = connectTls({ socket: plain, ...tlsOptions });
      this.socket = secure;
      this.attach(secure);
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
  }
}
