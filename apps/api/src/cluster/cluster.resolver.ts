import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Authenticated } from '../common/permissions.js';
import { ClusterService } from './cluster.service.js';

@ObjectType('ClusterNodeAddresses')
export class ClusterNodeAddressesType {
  @Field(() => String, { nullable: true }) smtp?: string;
  @Field(() => String, { nullable: true }) submission?: string;
  @Field(() => String, { nullable: true }) imap?: string;
  @Field(() => String, { nullable: true }) pop3?: string;
  @Field(() => String, { nullable: true }) http?: string;
}

@ObjectType('ClusterNode')
export class ClusterNodeType {
  @Field() id!: string;
  @Field() role!: string;
  @Field(() => ClusterNodeAddressesType) addresses!: ClusterNodeAddressesType;
  @Field() version!: string;
  @Field() startedAt!: string;
  @Field() heartbeatAt!: string;
  @Field() healthy!: boolean;
  @Field(() => [String]) domains!: string[];
}

@ObjectType('DomainBackend')
export class DomainBackendType {
  @Field() domain!: string;
  @Field(() => String, { nullable: true }) backendNode!: string | null;
}

@ObjectType('Failover')
export class FailoverType {
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => [String]) domains!: string[];
  @Field(() => Int, { description: 'Accounts routed to the failed node by their own mailHost, moved too' }) accounts!: number;
}

/** Staff only, decided by the service (see ClusterController). */
@Resolver()
export class ClusterResolver {
  constructor(private readonly cluster: ClusterService) {}

  @Query(() => [ClusterNodeType])
  @Authenticated()
  async clusterNodes(@CurrentActor() actor: Actor) {
    return (await this.cluster.nodes(actor)).items;
  }

  @Mutation(() => DomainBackendType)
  @Authenticated()
  assignDomainBackend(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('node') node: string) {
    return this.cluster.assign(actor, domain, { node });
  }

  @Mutation(() => FailoverType)
  @Authenticated()
  failoverBackend(@CurrentActor() actor: Actor, @Args('from') from: string, @Args('to') to: string) {
    return this.cluster.failover(actor, { from, to });
  }
}
