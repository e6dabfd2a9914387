import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Authenticated } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodBody } from '../common/rest.js';
import { assignBackendInput, failoverInput } from './cluster.schemas.js';
import { ClusterService } from './cluster.service.js';

/**
 * Cluster routes are @Authenticated and the service admits staff only: the registry has no
 * permission subject for cluster topology (it is never delegated).
 */
@ApiTags('cluster')
@ApiStandardErrors()
@Controller()
export class ClusterController {
  constructor(private readonly cluster: ClusterService) {}

  @Get('cluster/nodes')
  @Authenticated()
  @ApiOperation({ summary: 'The registered nodes: role, addresses, health (recent heartbeat), pinned domains (staff)' })
  nodes(@CurrentActor() actor: Actor) {
    return this.cluster.nodes(actor);
  }

  @Put('domains/:domain/backend')
  @Authenticated()
  @ApiOperation({ summary: 'Pin a domain (and its sub-domains without a pin) to a back-end node (staff, audited)' })
  @ApiZodBody(assignBackendInput)
  assign(@CurrentActor() actor: Actor, @Param('domain') domain: string, @Body() body: unknown) {
    return this.cluster.assign(actor, domain, body);
  }

  @Post('cluster/failover')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Move every domain of a failed back-end to a stand-by sharing its storage (staff, audited)' })
  @ApiZodBody(failoverInput)
  failover(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.cluster.failover(actor, body);
  }

  @Get('cluster/nginx-config')
  @Authenticated()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'A ready nginx.conf for the front-end tier; the shared secret is a placeholder (staff)' })
  nginxConfig(
    @CurrentActor() actor: Actor,
    @Query('imap') imap?: string,
    @Query('pop3') pop3?: string,
    @Query('smtp') smtp?: string,
    @Query('authUrl') authUrl?: string,
  ) {
    return this.cluster.nginxConfig(actor, { imap, pop3, smtp, authUrl });
  }
}
