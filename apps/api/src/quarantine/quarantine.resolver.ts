import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { Connection, definedOnly, JSONScalar } from '../graphql/common.types.js';
import { QuarantineService } from './quarantine.service.js';

@ObjectType('QuarantineEntry', { description: 'A message held out of a mailbox by a word list' })
export class QuarantineEntryType {
  @Field() id!: string;
  @Field({ description: 'pending, released or deleted' }) state!: string;
  @Field() direction!: string;
  @Field() sender!: string;
  @Field() recipient!: string;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => JSONScalar, { description: 'The word-list entries that matched' }) matches!: unknown;
  @Field(() => Int) size!: number;
  @Field() receivedAt!: string;
  @Field(() => String, { nullable: true }) decidedBy!: string | null;
  @Field(() => String, { nullable: true }) decidedAt!: string | null;
}

@ObjectType('MessageHeader')
export class MessageHeaderType {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType('MessageAttachmentInfo')
export class MessageAttachmentInfoType {
  @Field(() => String, { nullable: true }) filename!: string | null;
  @Field() contentType!: string;
  @Field(() => Int) size!: number;
}

@ObjectType('MessagePreview', { description: 'Text, and HTML without scripts, handlers, frames, styles or remote content' })
export class MessagePreviewType {
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String, { nullable: true }) to!: string | null;
  @Field(() => String, { nullable: true }) date!: string | null;
  @Field(() => String, { nullable: true }) text!: string | null;
  @Field(() => String, { nullable: true }) html!: string | null;
  @Field(() => [MessageAttachmentInfoType]) attachments!: MessageAttachmentInfoType[];
  @Field() truncated!: boolean;
}

@ObjectType('QuarantineEntryDetails')
export class QuarantineEntryDetailsType extends QuarantineEntryType {
  @Field(() => [MessageHeaderType]) headers!: MessageHeaderType[];
  @Field(() => MessagePreviewType, { nullable: true }) preview!: MessagePreviewType | null;
  @Field(() => String, { nullable: true }) previewUnavailable!: string | null;
}

@ObjectType('QuarantineActionResult')
export class QuarantineActionResultType {
  @Field() id!: string;
  @Field({ description: 'released, deleted, not_found, already_decided or undeliverable' }) outcome!: string;
  @Field(() => String, { nullable: true }) detail?: string;
}

@ObjectType('QuarantineActionSummary')
export class QuarantineActionSummaryType {
  @Field() action!: string;
  @Field(() => Int) affected!: number;
  @Field(() => [QuarantineActionResultType]) results!: QuarantineActionResultType[];
}

export const QuarantineEntryConnection = Connection(QuarantineEntryType, 'QuarantineEntryConnection');

@Resolver(() => QuarantineEntryType)
export class QuarantineResolver {
  constructor(private readonly service: QuarantineService) {}

  @Query(() => QuarantineEntryConnection)
  @RequirePermission('read', 'QuarantineEntry')
  quarantine(
    @CurrentActor() actor: Actor,
    @Args('recipient', { nullable: true }) recipient?: string,
    @Args('sender', { nullable: true }) sender?: string,
    @Args('domain', { nullable: true }) domain?: string,
    @Args('state', { nullable: true }) state?: string,
    @Args('since', { nullable: true }) since?: string,
    @Args('until', { nullable: true }) until?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('cursor', { nullable: true }) cursor?: string,
  ) {
    return this.service.list(actor, definedOnly({ recipient, sender, domain, state, since, until, limit, cursor }));
  }

  @Query(() => QuarantineEntryDetailsType)
  @RequirePermission('read', 'QuarantineEntry')
  quarantineEntry(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.get(actor, id);
  }

  @Mutation(() => QuarantineEntryType)
  @RequirePermission('update', 'QuarantineEntry')
  releaseQuarantined(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.release(actor, id);
  }

  @Mutation(() => QuarantineEntryType)
  @RequirePermission('delete', 'QuarantineEntry')
  deleteQuarantined(@CurrentActor() actor: Actor, @Args('id') id: string) {
    return this.service.remove(actor, id);
  }

  @Mutation(() => QuarantineActionSummaryType)
  @RequirePermission('update', 'QuarantineEntry')
  quarantineAction(@CurrentActor() actor: Actor, @Args('action') action: string, @Args('ids', { type: () => [String] }) ids: string[]) {
    return this.service.act(actor, { action, ids });
  }
}
