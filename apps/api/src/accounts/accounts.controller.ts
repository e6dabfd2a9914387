import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiIdempotent, ApiIfMatch, ApiStandardErrors, ApiZodBody, ApiZodQuery } from '../common/rest.js';
import { expectedVersion } from '../common/etag.js';
import { AccountsService } from './accounts.service.js';
import { AccountsBulkService } from './accounts-bulk.service.js';
import { bulkCreateInput, createAccountInput, listAccountsQuery, renameAccountInput, setPasswordInput, updateAccountInput } from './account.schemas.js';

@ApiTags('accounts')
@ApiStandardErrors()
@Controller()
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly bulk: AccountsBulkService,
  ) {}

  @Post('domains/:domain/accounts')
  @RequirePermission('create', 'Account')
  @ApiOperation({ summary: 'Create a mailbox in a domain (password, or a scheme-tagged passwordHash)' })
  @ApiZodBody(createAccountInput)
  @ApiIdempotent()
  create(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.accounts.create(actor, domain, body);
  }

  @Post('domains/:domain/accounts/bulk')
  @HttpCode(200)
  @RequirePermission('create', 'Account')
  @ApiOperation({ summary: 'Create up to 10,000 mailboxes; per-row results; all-or-nothing with "atomic": true' })
  @ApiZodBody(bulkCreateInput)
  @ApiIdempotent()
  bulkCreate(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.bulk.bulkCreate(actor, domain, body);
  }

  @Get('domains/:domain/accounts')
  @RequirePermission('read', 'Account')
  @ApiOperation({ summary: 'List the mailboxes of a domain (subtree=true: and of its sub-domains)' })
  @ApiZodQuery(listAccountsQuery)
  list(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Query() query: unknown) {
    return this.accounts.list(actor, domain, query);
  }

  @Get('accounts/:address')
  @RequirePermission('read', 'Account')
  @ApiOperation({ summary: 'Read one mailbox' })
  get(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.accounts.get(actor, address);
  }

  @Get('accounts/:address/effective-settings')
  @RequirePermission('read', 'Account')
  @ApiOperation({ summary: 'Every effective setting of a mailbox, with the level that decided it, by whom and when' })
  effectiveSettings(@CurrentActor() actor: Actor, @Param('address') address: string) {
    return this.accounts.effectiveSettings(actor, address);
  }

  @Patch('accounts/:address')
  @RequirePermission('update', 'Account')
  @ApiOperation({ summary: 'Change a mailbox: display name, class of service, services, status' })
  @ApiZodBody(updateAccountInput)
  @ApiIfMatch()
  update(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.accounts.update(actor, address, body, expectedVersion(ifMatch));
  }

  @Post('accounts/:address/rename')
  @HttpCode(200)
  @RequirePermission('update', 'Account')
  @ApiOperation({
    summary: 'Give a mailbox a new address in its own domain',
    description:
      'The new address is `localPart@` the same domain: moving a mailbox to another domain is not supported. Messages, sessions and ' +
      'settings stay with the mailbox. With `keepOldAddressAsAlias` (default true) the old address becomes an alias to the new one, so ' +
      'mail already queued for it still arrives. Aliases and mailing lists that name the old address name the new one afterwards ' +
      '(each change audited), so they never point at a freed address. 409 when the new address is used by anything (account, alias, list, group). In an LDAP ' +
      'provisioning domain the directory entry is changed (mail, and renamed when its RDN is uid or mail) in the same operation.',
  })
  @ApiZodBody(renameAccountInput)
  @ApiIfMatch()
  rename(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.accounts.rename(actor, address, body, expectedVersion(ifMatch));
  }

  @Put('accounts/:address/password')
  @HttpCode(204)
  @RequirePermission('update', 'Account')
  @ApiOperation({ summary: 'Set the password (mailbox owners: their own, with currentPassword)' })
  @ApiZodBody(setPasswordInput)
  @ApiIfMatch()
  async setPassword(@CurrentActor() actor: Actor, @Param('address') address: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    await this.accounts.setPassword(actor, address, body, expectedVersion(ifMatch));
  }

  @Delete('accounts/:address')
  @HttpCode(204)
  @RequirePermission('delete', 'Account')
  @ApiOperation({ summary: 'Delete a mailbox and free its address' })
  @ApiIfMatch()
  async remove(@CurrentActor() actor: Actor, @Param('address') address: string, @Headers('if-match') ifMatch?: string) {
    await this.accounts.remove(actor, address, expectedVersion(ifMatch));
  }
}
