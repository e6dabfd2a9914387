import { AppError } from './errors.js';

/** Entity tag of a representation: its row version. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The version an `If-Match` header asks for, or undefined when absent. Updates then run
 * `WHERE version = expected`, so a concurrent change answers 412 instead of being lost.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim());
  if (!match) throw AppError.invalid('If-Match', 'must be an entity tag this API gave out, e.g. "3"');
  return Number(match[1]);
}

export function assertVersion(current: number, expected: number | undefined) {
  if (expected !== undefined && current !== expected) {
    throw new AppError('PRECONDITION_FAILED', `the resource is at version ${current}, not ${expected}: read it again and retry`);
  }
}
