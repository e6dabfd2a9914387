/**
 * Options of the store's interactive transactions. A burst of client commands (100 APPENDs
 * at once) can exceed the connection pool; Prisma's default is to fail after waiting 2 s for
 * a connection, which a mail client sees as an error. Waiting longer is the better answer:
 * the command completes a little later instead of being retried by the user.
 */
export const STORE_TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;
