import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { AccountsResolver } from './accounts.resolver.js';
import { AccountsService } from './accounts.service.js';
import { AccountsBulkService } from './accounts-bulk.service.js';
import { DomainAccountsResolver } from './domain-accounts.resolver.js';
import { AccountsImportController } from './accounts-import.controller.js';
import { AccountsImportService } from './accounts-import.service.js';
import { AccountsImportResolver } from './accounts-import.resolver.js';
import { JobsModule } from '../jobs/jobs.module.js';

@Module({
  imports: [JobsModule],
  controllers: [AccountsController, AccountsImportController],
  providers: [AccountsService, AccountsBulkService, AccountsResolver, DomainAccountsResolver, AccountsImportService, AccountsImportResolver],
  exports: [AccountsService],
})
export class AccountsModule {}
