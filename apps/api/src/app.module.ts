import { Global, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { loadSecretKey, SealedSecrets } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from './config.js';
import { PRISMA, type Database } from './database/database.js';
import { AuditService } from './audit/audit.service.js';
import { AuditController, AuditResolver } from './audit/audit.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { PrincipalResolver } from './auth/principals.js';
import { MailboxAccess } from './auth/mailbox-access.js';
import { AuthService } from './auth/auth.service.js';
import { AuthController } from './auth/auth.controller.js';
import { ProblemFilter } from './common/problem.filter.js';
import { ETagInterceptor, IdempotencyInterceptor } from './common/http.interceptors.js';
import { HealthController } from './health/health.controller.js';
import { Loaders } from './graphql/context.js';
import { complexityLimit, depthLimit } from './graphql/limits.js';
import { FEATURE_MODULES } from './features.js';

/** Database, configuration, audit, authentication and mailbox access: what every feature module uses. */
@Global()
@Module({})
class CoreModule {
  static register(config: ApiConfig, prisma: Database): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: PRISMA, useValue: prisma },
        // Replayable secrets (remote POP passwords, webhook and LDAP secrets, queued imports) are sealed with one key.
        { provide: SealedSecrets, useValue: new SealedSecrets(loadSecretKey(config.dataDir)) },
        AuditService,
        MailboxAccess,
        PrincipalResolver,
      ],
      exports: [API_CONFIG, PRISMA, SealedSecrets, AuditService, MailboxAccess, PrincipalResolver],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: ApiConfig, prisma: Database): DynamicModule {
    const metadata: ModuleMetadata = {
      imports: [
        CoreModule.register(config, prisma),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          introspection: !config.production,
          playground: false,
          includeStacktraceInErrorResponses: false,
          plugins: [ApolloServerPluginLandingPageDisabled(), complexityLimit()],
          validationRules: [depthLimit()],
          context: ({ req }: { req: import('./common/actor.js').RequestWithActor }) => ({ req, loaders: new Loaders(prisma, req) }),
        }),
        ...FEATURE_MODULES,
      ],
      controllers: [AuthController, AuditController, HealthController],
      providers: [
        AuthService,
        AuditResolver,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
    return { module: AppModule, ...metadata };
  }
}
