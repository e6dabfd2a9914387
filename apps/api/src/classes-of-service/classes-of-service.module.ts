import { Module } from '@nestjs/common';
import { ClassesOfServiceController } from './classes-of-service.controller.js';
import { ClassesOfServiceResolver } from './classes-of-service.resolver.js';
import { ClassesOfServiceService } from './classes-of-service.service.js';

@Module({
  controllers: [ClassesOfServiceController],
  providers: [ClassesOfServiceService, ClassesOfServiceResolver],
  exports: [ClassesOfServiceService],
})
export class ClassesOfServiceModule {}
