import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RequestMethod, type LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { ApiConfig } from './config.js';
import type { Database } from './database/database.js';
import { consoleDirectory, consoleSite } from './console/console-site.js';

export const API_PREFIX = 'api/v1';

/** The HTTP application: REST under /api/v1, GraphQL at /graphql, docs at /api/docs, the console everywhere else. */
export async function createHttpApp(config: ApiConfig, prisma: Database, options: { logLevels?: LogLevel[] } = {}) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, prisma), {
    bodyParser: false,
    logger: options.logLevels ?? ['log', 'warn', 'error'],
  });
  // Bulk provisioning sends up to 10,000 accounts in one body.
  app.useBodyParser('json', { limit: '20mb', type: ['application/json', 'application/*+json'] });
  // Files sent as they are (the CSV account import): parsed before the interceptors, so an
  // Idempotency-Key covers their content like it covers a JSON body.
  app.useBodyParser('text', { limit: '20mb', type: ['text/csv', 'text/plain'] });
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'api/health', method: RequestMethod.GET }] });
  app.disable('x-powered-by');
  const site = consoleSite(consoleDirectory());
  if (site) app.use(site);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Schoolmail provisioning API')
      .setDescription(
        'REST API for the provider\'s CMS. Resources use natural keys (domain names, addresses). Errors are RFC 9457 problem documents. ' +
          'Lists take `limit` and `cursor` and answer `{ items, nextCursor }`. Creates honour `Idempotency-Key`; updates honour `If-Match`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();
  return app;
}
