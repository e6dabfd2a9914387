import { Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodQuery } from '../common/rest.js';
import { parseInput } from '../common/validation.js';
import { AccountsImportService } from './accounts-import.service.js';
import { IMPORT_COLUMNS, IMPORT_TEMPLATE } from './accounts-import.csv.js';
import { importQuery } from './accounts-import.schemas.js';
import { importRequestBody } from './accounts-import.body.js';

const COLUMNS_HELP = IMPORT_COLUMNS.map((c) => `${c.name}${c.required ? ' (required)' : ''}: ${c.help}`).join('; ');

@ApiTags('accounts')
@ApiStandardErrors()
@Controller('accounts/imports')
export class AccountsImportController {
  constructor(private readonly imports: AccountsImportService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('create', 'Job')
  @ApiOperation({
    summary: 'Import mailboxes from a CSV file, as a background job (202 with the job; follow Location for progress)',
    description: `Header line first, then one mailbox per line. Columns: ${COLUMNS_HELP}. dryRun=true checks every row and writes nothing.`,
  })
  @ApiBody({ description: 'text/csv (options in the query), or JSON { csv, domain?, dryRun? }', schema: { type: 'string' } })
  @ApiZodQuery(importQuery)
  async start(
    @CurrentActor() actor: Actor,
    @Req() request: IncomingMessage & { body?: unknown; originalUrl?: string },
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
    @Query() query: Record<string, unknown>,
  ) {
    const body = importRequestBody(request, parseInput(importQuery, query));
    const job = await this.imports.start(actor, body);
    // The job's URL under the same prefix this route was reached by.
    const prefix = (request.originalUrl ?? request.url ?? '').split('/accounts/imports')[0];
    response.setHeader('location', `${prefix}/jobs/${job.id}`);
    return job;
  }

  @Get('template.csv')
  @RequirePermission('create', 'Job')
  @ApiOperation({ summary: `A CSV template with the columns and two example lines. ${COLUMNS_HELP}` })
  @ApiProduces('text/csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="accounts-import-template.csv"')
  template() {
    return IMPORT_TEMPLATE;
  }
}
