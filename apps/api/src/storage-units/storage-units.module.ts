import { Module } from '@nestjs/common';
import { StorageUnitsController } from './storage-units.controller.js';
import { StorageUnitsResolver } from './storage-units.resolver.js';
import { StorageUnitsService } from './storage-units.service.js';

@Module({
  controllers: [StorageUnitsController],
  providers: [StorageUnitsService, StorageUnitsResolver],
  exports: [StorageUnitsService],
})
export class StorageUnitsModule {}
