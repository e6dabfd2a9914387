import { Module } from '@nestjs/common';
import { WordListsController } from './word-lists.controller.js';
import { WordListsResolver } from './word-lists.resolver.js';
import { WordListsService } from './word-lists.service.js';
import { WordListTestService } from './word-list-test.service.js';

@Module({
  controllers: [WordListsController],
  providers: [WordListsService, WordListTestService, WordListsResolver],
  exports: [WordListsService],
})
export class WordListsModule {}
