import { DirectoryRefusedError, DirectoryUnavailableError } from '@schoolmail/mail-engine';
import { AppError } from '../common/errors.js';

/** A directory that cannot answer is worth retrying shortly; one that refused is not. */
const RETRY_AFTER_SECONDS = 30;

/**
 * The directory's failures as problem documents: 503 "The directory was unreachable" and 502
 * "The directory refused the change" (the titles), with the directory's own words as detail.
 */
export function directoryProblem(error: unknown): unknown {
  if (error instanceof DirectoryUnavailableError) return new AppError('DIRECTORY_UNAVAILABLE', error.message, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  if (error instanceof DirectoryRefusedError) return new AppError('DIRECTORY_REFUSED', error.message);
  return error;
}
