import { Module } from '@nestjs/common';
import { PermissionSetsController, PermissionsController } from './permission-sets.controller.js';
import { PermissionSetsResolver } from './permission-sets.resolver.js';
import { PermissionSetsService } from './permission-sets.service.js';

@Module({
  controllers: [PermissionSetsController, PermissionsController],
  providers: [PermissionSetsService, PermissionSetsResolver],
  exports: [PermissionSetsService],
})
export class PermissionSetsModule {}
