export {
  DirectoryRefusedError,
  DirectoryUnavailableError,
  type DirectoryAdmin,
  type DirectoryAdminFactory,
  type DirectoryChange,
  type DirectoryEntry,
  type DirectoryClient, type DirectoryClientFactory, type DirectoryConfig, type DirectoryUser, type LdapTlsMode } from './directory-client.js';
export { checkUserFilter, LdapjsDirectoryClient, ldapjsDirectoryClient } from './ldapjs-directory-client.js';
export { escapeDnValue, escapeFilterValue, unescapeFilterValue, userFilterFor, userFilterProblem, FILTER_PLACEHOLDERS } from './escape.js';
export { AuthSources, nearestSource, type AuthSourceRow } from './auth-sources.js';
export { DirectoryLogins, directoryConfigOf, type AcceptedDirectoryLogin, type DirectoryLoginsOptions } from './directory-logins.js';
export { mailHostOf } from './mail-host.js';
export { LdapjsDirectoryAdmin, ldapjsDirectoryAdmin } from './ldapjs-directory-admin.js';
export {
  changesToMatch,
  directoryPassword,
  dnOf,
  isSuspendedEntry,
  layoutAttributes,
  newEntryAttributes,
  provisioningLayoutOf,
  rdnOf,
  valuesOf,
  RDN_ATTRIBUTES,
  SUSPENDED_SHADOW_EXPIRE,
  type ProvisionedAccount,
  type ProvisioningLayout,
  type RdnAttribute,
} from './provisioned-entry.js';
