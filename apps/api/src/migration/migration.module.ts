import { Module } from '@nestjs/common';
import { AccountsBulkService } from '../accounts/accounts-bulk.service.js';
import { AliasesService } from '../aliases/aliases.service.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ImapImportService } from './imap-import.service.js';
import { MaildirImportService } from './maildir-import.service.js';
import { MigrationController } from './migration.controller.js';
import { MigrationJobsService } from './migration-jobs.service.js';
import { MigrationResolver } from './migration.resolver.js';
import { MigrationStateService } from './migration-state.service.js';
import { migrationStoreProvider } from './migration-store.js';
import { VpopmailImportService } from './vpopmail-import.service.js';

/** Moving customers off vpopmail/qmail: account, alias, Maildir and IMAP imports (as jobs) and each domain's migration state. */
@Module({
  imports: [JobsModule],
  controllers: [MigrationController],
  // The bulk account and alias services are stateless: imports create accounts and aliases exactly as their APIs do.
  providers: [AccountsBulkService, AliasesService, VpopmailImportService, MaildirImportService, ImapImportService, MigrationStateService, MigrationJobsService, MigrationResolver, migrationStoreProvider],
})
export class MigrationModule {}
