/** GraphQL shapes of accounts, bulk results and effective settings (same fields as REST). */
import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection, ServicesInput, ServicesType } from '../graphql/common.types.js';

@ObjectType('AccountQuota')
export class AccountQuotaType {
  @Field(() => Float) usedBytes!: number;
  @Field(() => Float, { description: 'From the class of service that applies' }) limitBytes!: number;
}

@ObjectType('Account')
export class AccountType {
  @Field() address!: string;
  @Field() localPart!: string;
  @Field() domain!: string;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field(() => String, { nullable: true, description: "The account's own class of service (null: the domain's applies)" }) classOfService!: string | null;
  @Field(() => ServicesType) services!: ServicesType;
  @Field() status!: string;
  @Field(() => AccountQuotaType) quota!: AccountQuotaType;
  @Field(() => Int) version!: number;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
  @Field(() => String, { nullable: true }) lastLoginAt!: string | null;
}

export const AccountConnection = Connection(AccountType, 'AccountConnection');

@ObjectType('AccountTotal')
export class AccountTotalType {
  @Field(() => Int) count!: number;
  @Field({ description: "True when count is PostgreSQL's estimate: a list of more than 10,000 accounts without a search" }) estimated!: boolean;
}

@ObjectType('AccountList')
export class AccountListType {
  @Field(() => [AccountType]) items!: AccountType[];
  @Field(() => String, { nullable: true }) nextCursor!: string | null;
  @Field(() => AccountTotalType, { nullable: true, description: 'How many accounts the list holds; on the first page only (no cursor)' }) total!: AccountTotalType | null;
}

@InputType('CreateAccountInput')
export class CreateAccountInput {
  @Field() localPart!: string;
  @Field({ nullable: true }) password?: string;
  @Field({ nullable: true, description: 'Scheme-tagged, e.g. {SCRYPT}...' }) passwordHash?: string;
  @Field({ nullable: true }) displayName?: string;
  @Field({ nullable: true }) classOfService?: string;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field({ nullable: true }) status?: string;
}

@InputType('UpdateAccountInput')
export class UpdateAccountInput {
  @Field({ nullable: true }) displayName?: string;
  @Field({ nullable: true }) clearDisplayName?: boolean;
  @Field({ nullable: true }) classOfService?: string;
  @Field({ nullable: true, description: "Fall back to the domain's class of service" }) clearClassOfService?: boolean;
  @Field(() => ServicesInput, { nullable: true }) services?: ServicesInput;
  @Field({ nullable: true }) status?: string;
}

@ObjectType('BulkAccountError')
export class BulkAccountErrorType {
  @Field() field!: string;
  @Field() message!: string;
  @Field() code!: string;
}

@ObjectType('BulkAccountRow')
export class BulkAccountRowType {
  @Field(() => Int) index!: number;
  @Field(() => String, { nullable: true }) address!: string | null;
  @Field() status!: string;
  @Field(() => BulkAccountErrorType, { nullable: true }) error?: BulkAccountErrorType;
}

@ObjectType('BulkAccountsResult')
export class BulkAccountsResultType {
  @Field(() => [BulkAccountRowType]) results!: BulkAccountRowType[];
  @Field(() => Int) created!: number;
  @Field(() => Int) failed!: number;
}

@ObjectType('SettingSource')
export class SettingSourceType {
  @Field({ description: 'server | class-of-service | domain | account' }) level!: string;
  @Field() name!: string;
}

@ObjectType('SettingDecision')
export class SettingDecisionType extends SettingSourceType {
  @Field(() => String, { nullable: true }) changedBy?: string;
  @Field(() => String, { nullable: true }) changedAt?: string;
}

@ObjectType('EffectiveBoolean')
export class EffectiveBooleanType {
  @Field() value!: boolean;
  @Field(() => SettingDecisionType) decidedBy!: SettingDecisionType;
  @Field() reason!: string;
}

@ObjectType('EffectiveNumber')
export class EffectiveNumberType {
  @Field(() => Int, { nullable: true, description: 'null: unlimited' }) value!: number | null;
  @Field(() => SettingDecisionType) decidedBy!: SettingDecisionType;
  @Field() reason!: string;
}

@ObjectType('EffectiveStatus')
export class EffectiveStatusType {
  @Field() value!: string;
  @Field(() => SettingDecisionType) decidedBy!: SettingDecisionType;
  @Field() reason!: string;
}

@ObjectType('EffectiveServices')
export class EffectiveServicesType {
  @Field(() => EffectiveBooleanType) smtp!: EffectiveBooleanType;
  @Field(() => EffectiveBooleanType) imap!: EffectiveBooleanType;
  @Field(() => EffectiveBooleanType) pop3!: EffectiveBooleanType;
  @Field(() => EffectiveBooleanType) webmail!: EffectiveBooleanType;
  @Field(() => EffectiveBooleanType) rpop!: EffectiveBooleanType;
}

@ObjectType('EffectiveClassOfService')
export class EffectiveClassOfServiceType {
  @Field() name!: string;
  @Field(() => SettingSourceType) assignedAt!: SettingSourceType;
}

@ObjectType('EffectiveWordList')
export class EffectiveWordListType {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field() scope!: string;
  @Field() action!: string;
  @Field() direction!: string;
  @Field(() => SettingSourceType) appliesVia!: SettingSourceType;
}

@ObjectType('EffectiveSettings')
export class EffectiveSettingsType {
  @Field() account!: string;
  @Field(() => EffectiveClassOfServiceType, { nullable: true }) classOfService!: EffectiveClassOfServiceType | null;
  @Field(() => EffectiveServicesType) services!: EffectiveServicesType;
  @Field(() => EffectiveNumberType) maxMessageSizeKb!: EffectiveNumberType;
  @Field(() => EffectiveNumberType) mailboxQuotaMb!: EffectiveNumberType;
  @Field(() => EffectiveNumberType) maxRecipients!: EffectiveNumberType;
  @Field(() => EffectiveNumberType) sendingRatePerHour!: EffectiveNumberType;
  @Field(() => EffectiveStatusType) status!: EffectiveStatusType;
  @Field(() => [EffectiveWordListType]) wordLists!: EffectiveWordListType[];
}
