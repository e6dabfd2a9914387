/**
 * The POP3 listeners: POP3_PORT (plain, STLS offered) and, when configured, POP3S_PORT
 * (implicit TLS, the "port 995" style of RFC 8314). Each connection is a Pop3Session.
 */
import { createServer as createPlainServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { MailAccess } from '../access/types.js';
import type { EngineConfig } from '../config.js';
import type { MailStore } from '../mailstore/types.js';
import type { TlsCredentials } from '../smtp/tls.js';
import type { Pop3Context } from './context.js';
import { MaildropLocks } from './maildrop.js';
import { Pop3Session } from './session.js';

export interface Pop3ListenerOptions {
  access: MailAccess;
  store: MailStore;
  config: Pick<EngineConfig, 'hostname' | 'allowPlainAuth' | 'listenHost' | 'pop3Port' | 'pop3sPort'>;
  tls: TlsCredentials;
  log: (line: string) => void;
  idleTimeoutMs?: number;
}

export interface Pop3Listeners {
  ports: { pop3: number; pop3s?: number };
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startPop3Listeners(options: Pop3ListenerOptions): Promise<Pop3Listeners> {
  const ctx: Pop3Context = {
    access: options.access,
    store: options.store,
    config: options.config,
    log: options.log,
    secureContext: createSecureContext({ key: options.tls.key, cert: options.tls.cert }),
    locks: new MaildropLocks(),
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
  };
  const open = new Set<Socket>();
  const accept = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    new Pop3Session(ctx, socket).start();
  };
  const servers: Server[] = [createPlainServer(accept)];
  if (options.config.pop3sPort !== undefined) {
    const secure = createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept);
    // A failed handshake is the client's problem; it must not reach the process.
    secure.on('tlsClientError', () => undefined);
    servers.push(secure);
  }
  const host = options.config.listenHost;
  const ports: Pop3Listeners['ports'] = { pop3: 0 };
  try {
    ports.pop3 = await listen(servers[0]!, options.config.pop3Port, host);
    if (servers[1]) ports.pop3s = await listen(servers[1], options.config.pop3sPort!, host);
  } catch (error) {
    servers.forEach((server) => server.close());
    throw error;
  }
  return {
    ports,
    async close() {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      // Sessions still open are dropped: like a lost connection, that deletes nothing.
      open.forEach((socket) => socket.destroy());
      await Promise.all(closed);
    },
  };
}
