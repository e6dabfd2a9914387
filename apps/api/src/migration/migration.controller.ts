import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody } from '../common/rest.js';
import { MigrationJobsService } from './migration-jobs.service.js';
import { MigrationStateService } from './migration-state.service.js';
import { imapImportInput, maildirImportInput, migrationStateInput, vpopmailImportInput } from './migration.schemas.js';

@ApiTags('migration')
@ApiStandardErrors()
@Controller('migration')
export class MigrationController {
  constructor(
    private readonly imports: MigrationJobsService,
    private readonly states: MigrationStateService,
  ) {}

  @Post('vpopmail')
  @HttpCode(202)
  @RequirePermission('create', 'Job')
  @ApiOperation({ summary: 'Import a domain\'s accounts from a vpopmail vpasswd file or MySQL CSV export (a job; dryRun reports first)' })
  @ApiZodBody(vpopmailImportInput)
  importVpopmail(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.imports.startVpopmailImport(actor, body);
  }

  @Post('maildir')
  @HttpCode(202)
  @RequirePermission('create', 'Job')
  @ApiOperation({ summary: 'Import Maildirs (one account, or a vpopmail domain directory) from the server\'s migration directory (a job)' })
  @ApiZodBody(maildirImportInput)
  importMaildir(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.imports.startMaildirImport(actor, body);
  }

  @Post('imap')
  @HttpCode(202)
  @RequirePermission('create', 'Job')
  @ApiOperation({ summary: 'Copy every folder of an account from any IMAP server (a job; a re-run fetches only new messages)' })
  @ApiZodBody(imapImportInput)
  importImap(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.imports.startImapImport(actor, body);
  }

  @Get('domains/:domain')
  @RequirePermission('read', 'Domain')
  @ApiOperation({ summary: 'A domain\'s migration state and where mail for accounts not yet imported goes' })
  getState(@CurrentActor() actor: Actor, @Param('domain') domain: string) {
    return this.states.get(actor, domain);
  }

  @Patch('domains/:domain')
  @RequirePermission('update', 'Domain')
  @ApiOperation({ summary: 'Set a domain\'s migration state (pending, migrating with forwardTo host:port, live)' })
  @ApiZodBody(migrationStateInput)
  setState(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.states.set(actor, domain, body);
  }
}
