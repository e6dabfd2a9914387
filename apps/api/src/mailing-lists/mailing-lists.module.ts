import { Module } from '@nestjs/common';
import { MailingListsController } from './mailing-lists.controller.js';
import { MailingListsResolver } from './mailing-lists.resolver.js';
import { MailingListsService } from './mailing-lists.service.js';

@Module({
  controllers: [MailingListsController],
  providers: [MailingListsService, MailingListsResolver],
  exports: [MailingListsService],
})
export class MailingListsModule {}
