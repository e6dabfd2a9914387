import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { AccountsResolver } from './accounts.resolver.js';
import { AccountsService } from './accounts.service.js';
import { AccountsBulkService } from './accounts-bulk.service.js';
import { DomainAccountsResolver } from './domain-accounts.resolver.js';

@Module({
  controllers: [AccountsController],
  providers: [AccountsService, AccountsBulkService, AccountsResolver, DomainAccountsResolver],
  exports: [AccountsService],
})
export class AccountsModule {}
