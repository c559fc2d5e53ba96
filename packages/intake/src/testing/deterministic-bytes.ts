import { createHash } from 'node:crypto';

/**
 * Deterministic, incompressible-looking test bytes (xorshift128+), fast enough for gigabytes:
 * byte `i` of a given seed is always the same, so any range can be produced independently.
 */
export function deterministicBytes(seed: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  // One 8-byte word per 8-byte-aligned position, derived from (seed, word index) by a mixer.
  const firstWord = Math.floor(offset / 8);
  const lastWord = Math.floor((offset + length - 1) / 8);
  const tmp = new DataView(new ArrayBuffer(8));
  for (let w = firstWord; w <= lastWord; w++) {
    let x = (Math.imul(w ^ seed, 0x9e3779b1) ^ (w >>> 16) ^ Math.imul(Math.floor(w / 4294967296) + seed, 0x85ebca6b)) >>> 0;
    x ^= x >>> 15;
    x = Math.imul(x, 0x2c1b3c6d) >>> 0;
    x ^= x >>> 12;
    let y = Math.imul(x ^ 0x27d4eb2f, 0x165667b1) >>> 0;
    y ^= y >>> 13;
    tmp.setUint32(0, x);
    tmp.setUint32(4, y);
    const start = w * 8;
    for (let k = 0; k < 8; k++) {
      const pos = start + k - offset;
      if (pos >= 0 && pos < length) out[pos] = tmp.getUint8(k);
    }
  }
  void view;
  return out;
}

export function deterministicReader(seed: number, size: number) {
  return { size, read: async (offset: number, length: number) => deterministicBytes(seed, offset, Math.min(length, size - offset)) };
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
