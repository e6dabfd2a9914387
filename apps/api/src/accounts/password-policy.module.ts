import { Module } from '@nestjs/common';
import { PasswordPolicyController } from './password-policy.controller.js';
import { PasswordPolicyResolver } from './password-policy.resolver.js';

/** Publishes the mailbox password policy (read-only; enforced by the account use cases). */
@Module({
  controllers: [PasswordPolicyController],
  providers: [PasswordPolicyResolver],
})
export class PasswordPolicyModule {}
