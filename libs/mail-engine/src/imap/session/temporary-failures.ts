/**
 * Database errors that mean "busy or briefly unreachable", not "broken": no free connection
 * in the pool, a transaction that could not start in time, a serialization conflict, a lost
 * connection. The client is told to try again (NO [UNAVAILABLE], RFC 5530) rather than that
 * the server has a bug. Recognized by Prisma's error codes, without depending on Prisma.
 */
const TEMPORARY_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

export function isTemporaryFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TEMPORARY_CODES.has(code);
}
