import { Logger } from '@nestjs/common';
import { loadConfig } from './config.js';
import { openDatabase } from './database/database.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { createHttpApp } from './http-app.js';

const logger = new Logger('schoolmail');
const log = (line: string) => logger.log(line);

async function main() {
  const config = loadConfig();
  const database = await openDatabase(config, log);
  await ensureFirstAdmin(database.prisma, config, log);
  const app = await createHttpApp(config, database.prisma);
  await app.listen(config.httpPort, config.httpHost);
  log(`API on http://127.0.0.1:${config.httpPort}/api/v1 — GraphQL /graphql — docs /api/docs — health /api/health`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  logger.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
