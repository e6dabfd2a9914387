import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/permissions.js';
import { PRISMA, type Database } from '../database/database.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(@Inject(PRISMA) private readonly prisma: Database) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and database reachability' })
  async health() {
    const started = Date.now();
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok', database: { status: 'ok', latencyMs: Date.now() - started }, uptimeSeconds: Math.round(process.uptime()) };
  }
}
