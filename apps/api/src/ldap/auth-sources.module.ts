import { Module } from '@nestjs/common';
import { AuthSourcesController } from './auth-sources.controller.js';
import { AuthSourcesResolver } from './auth-sources.resolver.js';
import { AuthSourcesService } from './auth-sources.service.js';

/** Where a domain's passwords are verified: locally or in an LDAP directory. */
@Module({
  controllers: [AuthSourcesController],
  providers: [AuthSourcesService, AuthSourcesResolver],
})
export class AuthSourcesModule {}
