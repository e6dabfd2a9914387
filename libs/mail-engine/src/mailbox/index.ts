export { PrismaMailboxes } from './prisma-mailboxes.js';
export { ensureDefaultFolders, ensureDefaultFoldersOf, DEFAULT_FOLDERS, INBOX, newUidValidity } from './default-folders.js';
