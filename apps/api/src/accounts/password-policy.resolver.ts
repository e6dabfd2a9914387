import { Field, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Authenticated } from '../common/permissions.js';
import { describePasswordPolicy } from './password-policy.js';

@ObjectType('PasswordPolicyRule')
export class PasswordPolicyRuleType {
  @Field({ description: 'length, personal or common' }) id!: string;
  @Field() text!: string;
}

@ObjectType('PasswordPolicy', { description: 'The rules every mailbox password must follow' })
export class PasswordPolicyType {
  @Field(() => Int) minLength!: number;
  @Field(() => Int) maxLength!: number;
  @Field(() => [PasswordPolicyRuleType]) rules!: PasswordPolicyRuleType[];
}

@Resolver(() => PasswordPolicyType)
export class PasswordPolicyResolver {
  @Query(() => PasswordPolicyType)
  @Authenticated()
  passwordPolicy() {
    return describePasswordPolicy();
  }
}
