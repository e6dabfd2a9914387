import { Module } from '@nestjs/common';
import { TransportsController } from './transports.controller.js';
import { TransportsResolver } from './transports.resolver.js';
import { TransportsService } from './transports.service.js';

@Module({
  controllers: [TransportsController],
  providers: [TransportsService, TransportsResolver],
})
export class TransportsModule {}
