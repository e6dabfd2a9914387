/**
 * The IMAP listeners: IMAP_PORT with STARTTLS and, when configured, IMAPS_PORT with implicit
 * TLS (RFC 8314). Per client address, at most `connectionsPerClient` open connections (more
 * inside the shared-address networks); beyond that the greeting is a BYE. Settings changes reach the open sessions of the
 * accounts concerned, which re-check their access at their next command.
 */
import { createServer as createPlainServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ClientLimit } from '../access/client-limits.js';
import { ConnectionLimiter } from '../smtp/connection-limits.js';
import { Connection } from './io/connection.js';
import type { ImapContext } from './session/context.js';
import { Session } from './session/session.js';
import { StructureCache } from './session/structure-cache.js';

export interface ImapListenerOptions {
  host: string;
  port: number;
  /** Implicit TLS port; none when undefined. */
  securePort?: number;
  /** Open connections per client address (a number: the same for every address). */
  connectionsPerClient: number | ClientLimit;
}

export interface ImapListeners {
  ports: { imap: number; imaps?: number };
  /** Open sessions (for tests and shutdown). */
  sessions: ReadonlySet<Session>;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startImapListeners(context: ImapContext, options: ImapListenerOptions): Promise<ImapListeners> {
  const sessions = new Set<Session>();
  const sessionContext = { ...context, structures: new StructureCache() };
  const limiter = new ConnectionLimiter(options.connectionsPerClient);

  const sockets = new Set<Socket>();
  const accept = (socket: Socket, secure: boolean) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const address = socket.remoteAddress ?? '';
    if (limiter.isFull(address)) {
      socket.end('* BYE [UNAVAILABLE] Too many connections from your address; close some and try again\r\n');
      return;
    }
    limiter.acquire(address);
    const session = new Session(new Connection(socket, secure), sessionContext);
    sessions.add(session);
    socket.once('close', () => {
      limiter.release(address);
      sessions.delete(session);
      session.end();
    });
    session.run().catch((error: unknown) => {
      context.log(`imap session (${address}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      session.end();
    });
  };

  const unsubscribe = context.access.onSettingsChanged((change) => {
    const accounts = change === 'all' ? null : new Set(change.accountIds);
    for (const session of sessions) {
      if (session.account && (!accounts || accounts.has(session.account.id))) session.settingsChanged();
    }
  });

  const plain = createPlainServer((socket) => accept(socket, false));
  const servers: Server[] = [plain];
  const ports: ImapListeners['ports'] = { imap: await listen(plain, options.port, options.host) };
  if (options.securePort !== undefined) {
    const secure = createTlsServer({ key: context.tls.key, cert: context.tls.cert }, (socket) => accept(socket, true));
    secure.on('tlsClientError', () => undefined);
    servers.push(secure);
    ports.imaps = await listen(secure, options.securePort, options.host);
  }

  return {
    ports,
    sessions,
    async close() {
      unsubscribe();
      const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      await Promise.all([...sessions].map((session) => session.bye('Server shutting down')));
      // A client that does not close its end after BYE does not hold up the shutdown.
      const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([closed, grace]);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
