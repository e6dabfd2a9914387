/** The documented exit codes (README "Command line"); scripts branch on them. */
export const EXIT = {
  ok: 0,
  usage: 1,
  notFound: 2,
  forbidden: 3,
  conflict: 4,
  server: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Maps an HTTP status to an exit code; invalid input (400, 422, ...) is a usage error. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return EXIT.notFound;
  if (status === 401 || status === 403) return EXIT.forbidden;
  if (status === 409 || status === 412 || status === 428) return EXIT.conflict;
  if (status >= 500 || status === 429) return EXIT.server;
  return EXIT.usage;
}
