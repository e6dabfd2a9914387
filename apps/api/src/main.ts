import { Logger } from '@nestjs/common';
import { loadClusterConfig, loadEngineConfig, nodeAddresses, nodeVersion, startEngine, startNodeHeartbeat, type RunningEngine } from '@schoolmail/mail-engine';
import { loadConfig } from './config.js';
import { openDatabase } from './database/database.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { createHttpApp } from './http-app.js';

const logger = new Logger('schoolmail');
const log = (line: string) => logger.log(line);
const engineLogger = new Logger('mail-engine');

/**
 * SCHOOLMAIL_ROLE: unset or `all` (one machine: HTTP API and mail engine in this process),
 * `api` (HTTP only, for API nodes of a cluster), `backend` (mail engine only, no HTTP).
 */
function roleOf(raw: string | undefined): { http: boolean; engine: boolean } {
  switch (raw ?? 'all') {
    case 'all':
    case '':
      return { http: true, engine: true };
    case 'api':
      return { http: true, engine: false };
    case 'backend':
      return { http: false, engine: true };
    default:
      throw new Error(`SCHOOLMAIL_ROLE must be all, api or backend, got "${raw}"`);
  }
}

async function main() {
  const role = roleOf(process.env.SCHOOLMAIL_ROLE);
  const config = loadConfig();
  const database = await openDatabase(config, log);
  let app: Awaited<ReturnType<typeof createHttpApp>> | undefined;
  let engine: RunningEngine | undefined;
  let stopHeartbeat: (() => Promise<void>) | undefined;
  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await stopHeartbeat?.();
    await app?.close();
    await engine?.stop();
    await database.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    if (role.http) {
      await ensureFirstAdmin(database.prisma, config, log);
      app = await createHttpApp(config, database.prisma);
    }
    if (role.engine) {
      engine = await startEngine({ prisma: database.prisma, config: loadEngineConfig(), log: (line) => engineLogger.log(line) });
    }
    if (app) {
      await app.listen(config.httpPort, config.httpHost);
      log(`API on http://127.0.0.1:${config.httpPort}/api/v1 — GraphQL /graphql — docs /api/docs — health /api/health`);
    }
    const cluster = loadClusterConfig();
    const engineConfig = loadEngineConfig();
    stopHeartbeat = await startNodeHeartbeat(
      database.prisma,
      {
        id: engineConfig.nodeId,
        role: cluster.role,
        version: nodeVersion(),
        addresses: nodeAddresses({ host: cluster.advertiseHost ?? engineConfig.listenHost, mail: engine?.ports, httpPort: app ? config.httpPort : undefined }),
      },
      { intervalSeconds: cluster.heartbeatSeconds, log },
    );
  } catch (error) {
    logger.error(error instanceof Error ? error.stack : String(error));
    await stop('start-up failure', 1);
  }
}

main().catch((error) => {
  logger.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
