import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/permissions.js';
import { ApiStandardErrors } from '../common/rest.js';
import { describePasswordPolicy } from './password-policy.js';

@ApiTags('accounts')
@ApiStandardErrors()
@Controller('password-policy')
export class PasswordPolicyController {
  @Get()
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The rules every mailbox password must follow (what the API enforces when one is set)' })
  get() {
    return describePasswordPolicy();
  }
}
