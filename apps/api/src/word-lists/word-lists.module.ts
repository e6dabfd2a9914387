import { Module } from '@nestjs/common';
import { WordListsController } from './word-lists.controller.js';
import { WordListsResolver } from './word-lists.resolver.js';
import { WordListsService } from './word-lists.service.js';

@Module({
  controllers: [WordListsController],
  providers: [WordListsService, WordListsResolver],
  exports: [WordListsService],
})
export class WordListsModule {}
