import { NoIdempotencyReplay } from '../common/http.interceptors.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { ApiKeysService } from './api-keys.service.js';
import { createApiKeyInput, listApiKeysQuery } from './api-key.schemas.js';

@ApiTags('api-keys')
@ApiStandardErrors()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @RequirePermission('create', 'ApiKey')
  @ApiOperation({ summary: 'Issue an API key for a role or permission set over a domain; the secret is in this answer only' })
  @ApiZodBody(createApiKeyInput)
  @NoIdempotencyReplay()
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.keys.create(actor, body);
  }

  @Get()
  @RequirePermission('read', 'ApiKey')
  @ApiOperation({ summary: 'List the API keys of my scope and those I issued: prefix and last use, never the secret' })
  @ApiZodQuery(listApiKeysQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.keys.list(actor, query);
  }

  @Get(':id')
  @RequirePermission('read', 'ApiKey')
  @ApiOperation({ summary: 'Read one API key (never the secret)' })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.keys.get(actor, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('delete', 'ApiKey')
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string) {
    await this.keys.revoke(actor, id);
  }
}
