import { describe, expect, it } from 'vitest';
import { amountIn, displayUnit, MAX_CAPACITY_BYTES, parseCapacity } from './capacity';

const GB = 1024 ** 3;
const TB = 1024 ** 4;

describe('storage unit capacity in the form', () => {
  it('turns an amount and a unit into exact bytes, as the API counts them (1 GB = 2^30 bytes)', () => {
    expect(parseCapacity('500', 'GB')).toEqual({ bytes: 500 * GB });
    expect(parseCapacity('1.5', 'GB')).toEqual({ bytes: 1.5 * GB });
    expect(parseCapacity(' 2 ', 'TB')).toEqual({ bytes: 2 * TB });
    expect(parseCapacity('.5', 'MB')).toEqual({ bytes: 512 * 1024 });
    expect(parseCapacity('1,024', 'GB')).toEqual({ bytes: TB });
    // 0.1 GB is 107,374,182.4 bytes: rounded to the nearest byte, no floating-point drift.
    expect(parseCapacity('0.1', 'GB')).toEqual({ bytes: 107_374_182 });
    expect(parseCapacity('1.1', 'TB')).toEqual({ bytes: 1_209_462_790_554 });
    expect(parseCapacity('8191', 'TB')).toEqual({ bytes: 8191 * TB });
  });

  it('says why a typed value cannot be a capacity', () => {
    expect(parseCapacity('', 'GB').error).toBe('Enter the capacity in GB, for example 500');
    expect(parseCapacity('lots', 'GB').error).toBe('Enter a number of GB, for example 500 or 1.5');
    expect(parseCapacity('1.2.3', 'GB').error).toBe('Enter a number of GB, for example 500 or 1.5');
    expect(parseCapacity('1,5', 'GB').error).toBe('Enter a number of GB, for example 500 or 1.5');
    expect(parseCapacity('0', 'GB').error).toBe('Must be more than 0');
    expect(parseCapacity('-5', 'GB').error).toBe('Must be more than 0');
    expect(parseCapacity('8192', 'TB').error).toBe('Must be at most 8,191 TB, the most a unit can be given');
    expect(parseCapacity(String(MAX_CAPACITY_BYTES), 'MB').error).toMatch(/^Must be at most/);
  });

  it('shows a saved capacity in the unit the screen uses, exactly when it can', () => {
    expect([displayUnit(50 * GB), amountIn(50 * GB, 'GB')]).toEqual(['GB', '50']);
    expect([displayUnit(1.5 * TB), amountIn(1.5 * TB, 'TB')]).toEqual(['TB', '1.5']);
    expect([displayUnit(1_000_000), amountIn(1_000_000, 'MB')]).toEqual(['MB', '0.95']);
    expect(amountIn(50 * GB, 'TB')).toBe('0.05');
    expect(amountIn(512 * GB, 'TB')).toBe('0.5');
    expect(amountIn(TB - 1, 'TB')).toBe('1');
    expect(parseCapacity(amountIn(1.25 * GB, 'GB'), 'GB')).toEqual({ bytes: 1.25 * GB });
  });
});
