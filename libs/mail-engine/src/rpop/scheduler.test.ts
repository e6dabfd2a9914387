import { describe, expect, it } from 'vitest';
import { backoffSeconds } from './scheduler.js';

describe('RPOP backoff', () => {
  it('doubles the interval per failure in a row, up to six hours (or the interval when that is longer)', () => {
    expect([1, 2, 3].map((failures) => backoffSeconds(600, failures))).toEqual([1200, 2400, 4800]);
    expect(backoffSeconds(600, 50)).toBe(6 * 3600);
    expect(backoffSeconds(86_400, 3)).toBe(86_400);
  });
});
