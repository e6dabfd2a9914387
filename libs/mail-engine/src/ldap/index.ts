export { DirectoryUnavailableError, type DirectoryClient, type DirectoryClientFactory, type DirectoryConfig, type DirectoryUser, type LdapTlsMode } from './directory-client.js';
export { checkUserFilter, LdapjsDirectoryClient, ldapjsDirectoryClient } from './ldapjs-directory-client.js';
export { escapeDnValue, escapeFilterValue, unescapeFilterValue, userFilterFor, userFilterProblem, FILTER_PLACEHOLDERS } from './escape.js';
export { AuthSources, nearestSource, type AuthSourceRow } from './auth-sources.js';
export { DirectoryLogins, directoryConfigOf, type DirectoryLoginsOptions } from './directory-logins.js';
