/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", PETS 2019): a length L is rounded up so that only O(log log L) bits of it remain,
 * at most 12 % overhead. Below MIN_PADDED every file looks the same size.
 *
 * @example
 * paddedLength(1_000_000) // => 1_015_808
 */
export const MIN_PADDED = 4096;

export function paddedLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid length ${length}`);
  const l = Math.max(length, MIN_PADDED);
  const e = Math.floor(Math.log2(l));
  const s = Math.floor(Math.log2(e)) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(l / step) * step;
}
