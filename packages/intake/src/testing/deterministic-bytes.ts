import { createCipheriv, createHash } from 'node:crypto';

/**
 * Deterministic, incompressible test bytes at native speed: the AES-256-CTR keystream of a key
 * derived from `seed`. Byte `i` is always the same, so any range is produced on its own.
 */
export function deterministicBytes(seed: number, offset: number, length: number): Uint8Array {
  const key = createHash('sha256').update(`custodia-test-bytes-${seed}`).digest();
  const block = Math.floor(offset / 16);
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8);
  iv.writeUInt32BE(block % 2 ** 32, 12);
  const skip = offset - block * 16;
  const c = createCipheriv('aes-256-ctr', key, iv);
  return c.update(Buffer.alloc(length + skip)).subarray(skip);
}

export function deterministicReader(seed: number, size: number) {
  return { size, read: async (offset: number, length: number) => deterministicBytes(seed, offset, Math.min(length, size - offset)) };
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
