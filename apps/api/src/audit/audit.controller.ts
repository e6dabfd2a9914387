import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Args, Field, Int, ObjectType, Query as GqlQuery, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { ApiStandardErrors, ApiZodQuery } from '../common/rest.js';
import { Connection, definedOnly, JSONScalar } from '../graphql/common.types.js';
import { AuditService, auditQuery } from './audit.service.js';

@ApiTags('audit')
@ApiStandardErrors()
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('read', 'AuditEvent')
  @ApiOperation({ summary: 'The audit log of my scope, newest first; filter by actor, domain (subtree), action prefix, time range' })
  @ApiZodQuery(auditQuery)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.audit.list(actor, query);
  }
}

@ObjectType('AuditEvent')
export class AuditEventType {
  @Field() id!: string;
  @Field() at!: Date;
  @Field() actorType!: string;
  @Field() actorName!: string;
  @Field() role!: string;
  @Field() interface!: string;
  @Field() action!: string;
  @Field() outcome!: string;
  @Field() subjectType!: string;
  @Field(() => String, { nullable: true }) subjectId!: string | null;
  @Field(() => JSONScalar, { nullable: true }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true }) after!: unknown;
  @Field(() => String, { nullable: true }) clientIp!: string | null;
}

const AuditEventConnection = Connection(AuditEventType, 'AuditEventConnection');

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @GqlQuery(() => AuditEventConnection)
  @RequirePermission('read', 'AuditEvent')
  auditEvents(
    @CurrentActor() actor: Actor,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
    @Args('actor', { nullable: true }) actorName?: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('action', { nullable: true }) action?: string,
    @Args('since', { nullable: true }) since?: string,
    @Args('until', { nullable: true }) until?: string,
  ) {
    return this.audit.list(actor, definedOnly({ limit, cursor, actor: actorName, domain, action, since, until }));
  }
}
