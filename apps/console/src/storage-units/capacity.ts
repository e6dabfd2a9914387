/**
 * A capacity typed as an amount and a unit, and the exact number of bytes the API takes
 * (`capacityBytes`). The units are the console's everywhere (see formatBytes): binary, so
 * 1 GB here is 1,024 MB = 2^30 bytes, which is also what the API's `capacityGb` means.
 * Arithmetic in BigInt: "1.1 TB" is 1,209,462,790,553.6 bytes, rounded to the nearest byte,
 * with no floating-point error on the way.
 */
export const CAPACITY_UNITS = ['MB', 'GB', 'TB'] as const;
export type CapacityUnit = (typeof CAPACITY_UNITS)[number];

const UNIT_BYTES: Record<CapacityUnit, bigint> = { MB: 1024n ** 2n, GB: 1024n ** 3n, TB: 1024n ** 4n };

/** The API refuses more (capacityBytes is at most Number.MAX_SAFE_INTEGER): just under 8 PB. */
export const MAX_CAPACITY_BYTES = Number.MAX_SAFE_INTEGER;

/** The unit the screen shows this many bytes in (formatBytes's choice, never below MB). */
export function displayUnit(bytes: number): CapacityUnit {
  const value = BigInt(Math.max(0, Math.trunc(bytes)));
  if (value >= UNIT_BYTES.TB) return 'TB';
  if (value >= UNIT_BYTES.GB) return 'GB';
  return 'MB';
}

/**
 * `bytes` as an amount of `unit` for the form: exact when it takes at most 6 decimals
 * ("1.5", "0.000977"), otherwise rounded to 2 ("0.95"); a rounded amount is only sent back
 * when the person changes it.
 */
export function amountIn(bytes: number, unit: CapacityUnit): string {
  const value = BigInt(Math.max(0, Math.trunc(bytes)));
  const size = UNIT_BYTES[unit];
  const whole = value / size;
  const micro = ((value % size) * 1_000_000n) / size;
  if (((value % size) * 1_000_000n) % size === 0n) {
    return micro === 0n ? whole.toString() : `${whole}.${micro.toString().padStart(6, '0').replace(/0+$/, '')}`;
  }
  const hundredths = (value * 100n + size / 2n) / size;
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
  return text.replace(/\.?0+$/, '');
}

export type ParsedCapacity = { bytes: number; error?: undefined } | { bytes?: undefined; error: string };

/**
 * What the person typed, in bytes; or why it cannot be a capacity, said for the field.
 * Accepts "500", "1.5", ".5" and thousands separators ("1,024"); nothing else.
 */
export function parseCapacity(text: string, unit: CapacityUnit): ParsedCapacity {
  let typed = text.trim();
  if (typed === '') return { error: `Enter the capacity in ${unit}, for example 500` };
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(typed)) typed = typed.replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(typed);
  if (!match || (match[1] === '' && !match[2])) {
    if (/^-/.test(typed)) return { error: 'Must be more than 0' };
    return { error: `Enter a number of ${unit}, for example 500 or 1.5` };
  }
  const decimals = match[2] ?? '';
  const scale = 10n ** BigInt(decimals.length);
  const scaled = BigInt(`${match[1] || '0'}${decimals}`) * UNIT_BYTES[unit];
  let bytes = scaled / scale;
  if ((scaled % scale) * 2n >= scale) bytes += 1n;
  if (bytes <= 0n) return { error: 'Must be more than 0' };
  if (bytes > BigInt(MAX_CAPACITY_BYTES)) {
    return { error: `Must be at most ${(BigInt(MAX_CAPACITY_BYTES) / UNIT_BYTES.TB).toLocaleString('en-US')} TB, the most a unit can be given` };
  }
  return { bytes: Number(bytes) };
}
