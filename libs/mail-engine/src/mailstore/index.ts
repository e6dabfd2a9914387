export * from './types.js';
export { PrismaMailStore, type PrismaMailStoreOptions } from './prisma-mail-store.js';
export { FolderWatchers } from './folder-watchers.js';
export { canonicalName, nameProblem, SEPARATOR } from './folder-names.js';
export { normalizeFlags } from './flags.js';
export type { QuotaLimit } from './messages.js';
