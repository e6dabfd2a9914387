import { Args, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '../common/actor.js';
import { RequirePermission } from '../common/permissions.js';
import { definedOnly } from '../graphql/common.types.js';
import { AuthSourcesService } from './auth-sources.service.js';
import { DirectorySyncService } from './directory-sync.service.js';

@ObjectType('AuthSourceAttributes')
export class AuthSourceAttributesType {
  @Field() mail!: string;
  @Field() uid!: string;
  @Field() displayName!: string;
  @Field() mailHost!: string;
  @Field(() => String, { nullable: true }) quota!: string | null;
}

@ObjectType('DomainAuthSource')
export class AuthSourceType {
  @Field() domain!: string;
  @Field() kind!: string;
  @Field(() => String, { nullable: true, description: 'The ancestor domain whose source applies, when the domain has none of its own' }) inheritedFrom!: string | null;
  @Field(() => [String], { nullable: true }) urls?: string[];
  @Field(() => String, { nullable: true }) tlsMode?: string;
  @Field(() => String, { nullable: true }) caPem?: string | null;
  @Field(() => String, { nullable: true }) bindDn?: string | null;
  @Field(() => Boolean, { nullable: true }) hasBindPassword?: boolean;
  @Field(() => String, { nullable: true }) userBase?: string;
  @Field(() => String, { nullable: true }) userFilter?: string;
  @Field(() => AuthSourceAttributesType, { nullable: true }) attributes?: AuthSourceAttributesType;
  @Field(() => Int, { nullable: true }) connectTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) operationTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) cacheSeconds?: number;
  @Field(() => Boolean, { nullable: true, description: 'Accounts written through the API are written to the directory too' }) provisioning?: boolean;
  @Field(() => String, { nullable: true }) provisionBase?: string | null;
  @Field(() => String, { nullable: true }) provisionRdnAttribute?: string;
  @Field(() => [String], { nullable: true }) provisionObjectClasses?: string[];
  @Field(() => Boolean, { nullable: true, description: "Set by staff: the domain's postmasters may manage this source" }) postmasterMayManage?: boolean;
  @Field(() => Int, { nullable: true }) version!: number | null;
}

@InputType()
export class AuthSourceAttributesInput {
  @Field({ nullable: true }) mail?: string;
  @Field({ nullable: true }) uid?: string;
  @Field({ nullable: true }) displayName?: string;
  @Field({ nullable: true }) mailHost?: string;
  @Field({ nullable: true }) quota?: string;
}

@InputType()
export class AuthSourceInput {
  @Field({ description: 'local or ldap' }) kind!: string;
  @Field(() => [String], { nullable: true }) urls?: string[];
  @Field({ nullable: true }) tlsMode?: string;
  @Field({ nullable: true }) caPem?: string;
  @Field({ nullable: true }) bindDn?: string;
  @Field({ nullable: true, description: 'Write-only; omitted keeps the stored one' }) bindPassword?: string;
  @Field({ nullable: true, description: 'Forget the stored bind password (anonymous search)' }) clearBindPassword?: boolean;
  @Field({ nullable: true }) userBase?: string;
  @Field({ nullable: true }) userFilter?: string;
  @Field(() => AuthSourceAttributesInput, { nullable: true }) attributes?: AuthSourceAttributesInput;
  @Field(() => Int, { nullable: true }) connectTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) operationTimeoutMs?: number;
  @Field(() => Int, { nullable: true }) cacheSeconds?: number;
  @Field({ nullable: true }) provisioning?: boolean;
  @Field({ nullable: true }) provisionBase?: string;
  @Field({ nullable: true, description: 'uid, mail or cn' }) provisionRdnAttribute?: string;
  @Field(() => [String], { nullable: true }) provisionObjectClasses?: string[];
  @Field({ nullable: true, description: 'Staff only' }) postmasterMayManage?: boolean;
}

@ObjectType('DirectorySyncField')
export class DirectorySyncFieldType {
  @Field() field!: string;
  @Field(() => String, { nullable: true }) schoolmail!: string | null;
  @Field(() => String, { nullable: true }) directory!: string | null;
}

@ObjectType('DirectorySyncDifference')
export class DirectorySyncDifferenceType {
  @Field({ description: 'only-in-directory, only-in-schoolmail, attributes or duplicate-entries' }) kind!: string;
  @Field() address!: string;
  @Field(() => String, { nullable: true }) dn!: string | null;
  @Field(() => [String], { nullable: true }) dns!: string[] | null;
  @Field(() => [DirectorySyncFieldType]) fields!: DirectorySyncFieldType[];
  @Field({ description: 'create-entry, delete-entry, update-entry, create-account, suspend-account, update-account or none' }) repair!: string;
  @Field(() => String, { nullable: true, description: 'repaired or failed, after apply' }) result!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
}

@ObjectType('DirectorySyncReport')
export class DirectorySyncReportType {
  @Field() domain!: string;
  @Field({ description: 'The domain whose source applies' }) source!: string;
  @Field({ description: 'schoolmail-to-directory (provisioning) or directory-to-schoolmail' }) direction!: string;
  @Field() applied!: boolean;
  @Field(() => Int) directoryEntries!: number;
  @Field(() => Int) accounts!: number;
  @Field(() => [DirectorySyncDifferenceType]) differences!: DirectorySyncDifferenceType[];
  @Field(() => Int, { description: 'Differences not repaired' }) remaining!: number;
}

@ObjectType('DirectoryAttribute')
export class DirectoryAttributeType {
  @Field() name!: string;
  @Field(() => [String]) values!: string[];
}

@ObjectType('DirectoryUser')
export class DirectoryUserType {
  @Field() dn!: string;
  @Field(() => [DirectoryAttributeType]) attributes!: DirectoryAttributeType[];
}

@ObjectType('AuthSourceTestResult')
export class AuthSourceTestResultType {
  @Field() reachable!: boolean;
  @Field(() => DirectoryUserType, { nullable: true, description: 'The entry the user filter found, or null' }) user!: DirectoryUserType | null;
  @Field(() => Boolean, { nullable: true }) passwordAccepted!: boolean | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) elapsedMs!: number;
}

@Resolver(() => AuthSourceType)
export class AuthSourcesResolver {
  constructor(
    private readonly service: AuthSourcesService,
    private readonly directorySync: DirectorySyncService,
  ) {}

  @Query(() => AuthSourceType)
  @RequirePermission('read', 'Domain')
  domainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    return this.service.get(actor, domain);
  }

  @Mutation(() => AuthSourceType)
  @RequirePermission('update', 'Domain')
  setDomainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('input') input: AuthSourceInput) {
    const { clearBindPassword, attributes, ...rest } = definedOnly(input);
    const raw: Record<string, unknown> = { ...rest };
    if (attributes) raw.attributes = definedOnly(attributes);
    if (clearBindPassword) raw.bindPassword = null;
    return this.service.put(actor, domain, raw);
  }

  @Mutation(() => Boolean)
  @RequirePermission('update', 'Domain')
  async deleteDomainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string) {
    await this.service.remove(actor, domain);
    return true;
  }

  @Mutation(() => AuthSourceTestResultType)
  @RequirePermission('read', 'Domain')
  async testDomainAuthSource(
    @CurrentActor() actor: Actor,
    @Args('domain') domain: string,
    @Args('address') address: string,
    @Args('password', { nullable: true }) password?: string,
  ): Promise<AuthSourceTestResultType> {
    const result = await this.service.test(actor, domain, definedOnly({ address, password }));
    const user = result.user && { dn: result.user.dn, attributes: Object.entries(result.user.attributes).map(([name, values]) => ({ name, values })) };
    return { ...result, user };
  }

  @Mutation(() => DirectorySyncReportType)
  @RequirePermission('update', 'Domain')
  async syncDomainAuthSource(@CurrentActor() actor: Actor, @Args('domain') domain: string, @Args('apply', { defaultValue: false }) apply: boolean): Promise<DirectorySyncReportType> {
    const report = await this.directorySync.sync(actor, domain, { apply });
    const text = (value: string | boolean | null) => (value === null ? null : String(value));
    return {
      ...report,
      differences: report.differences.map((item) => ({
        kind: item.kind,
        address: item.address,
        dn: 'dn' in item ? item.dn : null,
        dns: 'dns' in item ? item.dns : null,
        fields: 'fields' in item ? item.fields.map((field) => ({ field: field.field, schoolmail: text(field.schoolmail), directory: text(field.directory) })) : [],
        repair: item.repair,
        result: item.result ?? null,
        error: item.error ?? null,
        note: item.note ?? null,
      })),
    };
  }
}
