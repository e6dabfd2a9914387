import { Module } from '@nestjs/common';
import { AliasesController } from './aliases.controller.js';
import { AliasesResolver } from './aliases.resolver.js';
import { AliasesService } from './aliases.service.js';

@Module({
  controllers: [AliasesController],
  providers: [AliasesService, AliasesResolver],
  exports: [AliasesService],
})
export class AliasesModule {}
