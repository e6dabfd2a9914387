import { Module } from '@nestjs/common';
import { AdminsController } from './admins.controller.js';
import { AdminsResolver } from './admins.resolver.js';
import { AdminsService } from './admins.service.js';
import { AssignmentsService } from './assignments.service.js';

@Module({
  controllers: [AdminsController],
  providers: [AdminsService, AssignmentsService, AdminsResolver],
  exports: [AdminsService, AssignmentsService],
})
export class AdminsModule {}
