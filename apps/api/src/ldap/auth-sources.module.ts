import { Global, Module } from '@nestjs/common';
import { AuthSourcesController } from './auth-sources.controller.js';
import { AuthSourcesResolver } from './auth-sources.resolver.js';
import { AuthSourcesService } from './auth-sources.service.js';
import { DirectoryProvisioning } from './directory-provisioning.js';
import { DirectorySyncService } from './directory-sync.service.js';

/**
 * Where a domain's passwords are verified (locally or in an LDAP directory), provisioning to
 * the directory and `ldap sync`. Global because every feature that writes accounts takes
 * part in provisioning through DirectoryProvisioning.
 */
@Global()
@Module({
  controllers: [AuthSourcesController],
  providers: [AuthSourcesService, AuthSourcesResolver, DirectoryProvisioning, DirectorySyncService],
  exports: [DirectoryProvisioning],
})
export class AuthSourcesModule {}
