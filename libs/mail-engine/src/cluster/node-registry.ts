/**
 * A process's entry in the ClusterNode table: written at start (upsert), renewed by a
 * heartbeat. Times come from the database's clock, never the node's, so that clock skew
 * between machines cannot make a live node look dead.
 */
import type { Db } from '../contracts.js';
import type { NodeRole } from './config.js';

/** Where a node listens, as "host:port"; absent services are not run by that node. */
export interface NodeAddresses {
  smtp?: string;
  submission?: string;
  imap?: string;
  pop3?: string;
  http?: string;
}

export interface NodeRegistration {
  id: string;
  role: NodeRole;
  addresses: NodeAddresses;
  version: string;
}

export async function registerNode(db: Db, node: NodeRegistration) {
  const addresses = JSON.stringify(node.addresses);
  await db.$executeRaw`
    INSERT INTO "ClusterNode" ("id", "role", "addresses", "version", "startedAt", "heartbeatAt")
    VALUES (${node.id}, ${node.role}, ${addresses}::jsonb, ${node.version}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
    ON CONFLICT ("id") DO UPDATE SET "role" = EXCLUDED."role", "addresses" = EXCLUDED."addresses", "version" = EXCLUDED."version",
      "startedAt" = EXCLUDED."startedAt", "heartbeatAt" = EXCLUDED."heartbeatAt"`;
}

export async function heartbeat(db: Db, nodeId: string) {
  return db.$executeRaw`UPDATE "ClusterNode" SET "heartbeatAt" = now() AT TIME ZONE 'UTC' WHERE "id" = ${nodeId}`;
}

/**
 * Registers the node and keeps its heartbeat going; answers a function that stops it. A
 * failed beat is logged and retried at the next tick; a row deleted by an operator is
 * re-created, so the node reappears rather than silently vanishing.
 */
export async function startNodeHeartbeat(db: Db, node: NodeRegistration, options: { intervalSeconds: number; log?: (line: string) => void }) {
  const log = options.log ?? (() => {});
  await registerNode(db, node);
  log(`cluster: node "${node.id}" registered as ${node.role}`);
  let beating: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    beating = heartbeat(db, node.id)
      .then((updated) => (updated === 0 ? registerNode(db, node) : undefined))
      .catch((error: unknown) => log(`cluster: heartbeat of "${node.id}" failed: ${String(error)}`));
  }, options.intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await beating;
  };
}

/** The software version a node reports (the workspace package's, as npm starts it; else unknown). */
export const nodeVersion = (env: NodeJS.ProcessEnv = process.env) => env.SCHOOLMAIL_VERSION ?? env.npm_package_version ?? 'unknown';

/**
 * The addresses to publish for this node: the engine's ports (after listening, so a
 * configured 0 shows the real one) on a host others can reach.
 */
export function nodeAddresses(options: {
  host: string;
  mail?: { smtp: number; submission: number; imap: number; pop3: number };
  httpPort?: number;
}): NodeAddresses {
  const host = options.host === '0.0.0.0' || options.host === '::' || options.host === '' ? '127.0.0.1' : options.host;
  const at = (port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  return {
    ...(options.mail
      ? { smtp: at(options.mail.smtp), submission: at(options.mail.submission), imap: at(options.mail.imap), pop3: at(options.mail.pop3) }
      : {}),
    ...(options.httpPort !== undefined ? { http: at(options.httpPort) } : {}),
  };
}
