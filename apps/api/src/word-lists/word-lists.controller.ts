import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { WordListsService } from './word-lists.service.js';
import { createWordListInput, listWordListsQuery, updateWordListInput } from './word-list.schemas.js';
import { importBody } from './import-body.js';
import { WordListTestService } from './word-list-test.service.js';
import { testWordListsInput } from './word-list-test.schemas.js';

@ApiTags('word lists')
@ApiStandardErrors()
@Controller('word-lists')
export class WordListsController {
  constructor(
    private readonly wordLists: WordListsService,
    private readonly wordListTest: WordListTestService,
  ) {}

  @Post()
  @RequirePermission('create', 'WordList')
  @ApiOperation({ summary: 'Create a word list: system (staff), domain, or one mailbox\'s own' })
  @ApiZodBody(createWordListInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.wordLists.create(actor, body);
  }

  @Post('test')
  @HttpCode(200)
  @RequirePermission('read', 'WordList')
  @ApiOperation({
    summary:
      'Dry run: which word lists and entries match a message (raw RFC 5322, or subject + body) for a mailbox, and the action, as SMTP would apply them (class-of-service lists included; with sender/clientIp, less what an acceptance policy waives); sends nothing',
  })
  @ApiZodBody(testWordListsInput)
  test(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.wordListTest.test(actor, body);
  }

  @Get()
  @RequirePermission('read', 'WordList')
  @ApiOperation({ summary: 'List the word lists I can see (entry counts, not entries)' })
  @ApiZodQuery(listWordListsQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.wordLists.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'WordList')
  @ApiOperation({ summary: 'Read one word list with its entries' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.wordLists.get(actor, id);
  }

  @Get(':id/export')
  @RequirePermission('read', 'WordList')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The entries as text, one per line' })
  exportText(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.wordLists.exportText(actor, id);
  }

  @Post(':id/import')
  @HttpCode(200)
  @RequirePermission('update', 'WordList')
  @ApiOperation({ summary: 'Merge entries, one per line, into the list' })
  @ApiConsumes('text/plain', 'application/json')
  @ApiBody({ schema: { oneOf: [{ type: 'string' }, { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }] } })
  @ApiIfMatch()
  async importEntries(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Req() request: IncomingMessage & { body?: unknown },
    @Headers('if-match') ifMatch?: string,
  ) {
    const version = expectedVersion(ifMatch);
    return this.wordLists.importEntries(actor, id, importBody(request), version);
  }

  @Patch(':id')
  @RequirePermission('update', 'WordList')
  @ApiOperation({ summary: 'Change a word list: name, action, direction; entries (replace all), addEntries, removeEntries' })
  @ApiZodBody(updateWordListInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.wordLists.update(actor, id, body, expectedVersion(ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', 'WordList')
  @ApiOperation({ summary: 'Delete a word list and its entries (409 while a class of service applies it)' })
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.wordLists.remove(actor, id);
  }
}
