/** The feature modules, one per area of administration. */
import { DomainsModule } from './domains/domains.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { AliasesModule } from './aliases/aliases.module.js';
import { MailingListsModule } from './mailing-lists/mailing-lists.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { ClassesOfServiceModule } from './classes-of-service/classes-of-service.module.js';
import { WordListsModule } from './word-lists/word-lists.module.js';
import { AdminsModule } from './admins/admins.module.js';
import { PermissionSetsModule } from './permission-sets/permission-sets.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { StorageUnitsModule } from './storage-units/storage-units.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { SendAsModule } from './send-as/send-as.module.js';
import { QuarantineModule } from './quarantine/quarantine.module.js';
import { QueueModule } from './queue/queue.module.js';
import { TransportsModule } from './transports/transports.module.js';
import { BrandingModule } from './branding/branding.module.js';
import { StatsModule } from './stats/stats.module.js';
import { RpopSourcesModule } from './rpop-sources/rpop-sources.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MigrationModule } from './migration/migration.module.js';
import { AuthSourcesModule } from './ldap/auth-sources.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { PasswordPolicyModule } from './accounts/password-policy.module.js';
export const FEATURE_MODULES = [
  WebhooksModule,
  JobsModule,
  DomainsModule,
  AccountsModule,
  AliasesModule,
  MailingListsModule,
  GroupsModule,
  ClassesOfServiceModule,
  WordListsModule,
  AdminsModule,
  PermissionSetsModule,
  ApiKeysModule,
  StorageUnitsModule,
  PoliciesModule,
  SendAsModule,
  QuarantineModule,
  QueueModule,
  TransportsModule,
  BrandingModule,
  StatsModule,
  RpopSourcesModule,
  MigrationModule,
  AuthSourcesModule,
  ClusterModule,
  PasswordPolicyModule,
];
