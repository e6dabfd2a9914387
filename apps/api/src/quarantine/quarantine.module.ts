import { Module } from '@nestjs/common';
import { QuarantineController } from './quarantine.controller.js';
import { QuarantineResolver } from './quarantine.resolver.js';
import { QuarantineService } from './quarantine.service.js';
import { quarantineEngineProvider } from './quarantine.engine.js';

@Module({
  controllers: [QuarantineController],
  providers: [QuarantineService, QuarantineResolver, quarantineEngineProvider],
})
export class QuarantineModule {}
