import { EXIT, exitCodeForStatus, type ExitCode } from './exit-codes.js';

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** A failure that ends a command with a documented exit code and a message for stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  static usage(message: string) {
    return new CliError(EXIT.usage, message);
  }

  static fromProblem(status: number, problem: Problem) {
    const title = problem.title ?? `HTTP ${status}`;
    return new CliError(exitCodeForStatus(status), problem.detail ? `${title}: ${problem.detail}` : title, problem);
  }

  /** The lines for stderr: with field errors, the title and one line per field; else title and detail. */
  describe(): string {
    const fields = this.problem?.errors ?? [];
    if (fields.length === 0) return this.message;
    return [this.problem?.title ?? this.message, ...fields.map((error) => `  ${error.field}: ${error.message}`)].join('\n');
  }
}
