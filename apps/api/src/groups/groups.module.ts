import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller.js';
import { GroupsResolver } from './groups.resolver.js';
import { GroupsService } from './groups.service.js';

@Module({
  controllers: [GroupsController],
  providers: [GroupsService, GroupsResolver],
  exports: [GroupsService],
})
export class GroupsModule {}
