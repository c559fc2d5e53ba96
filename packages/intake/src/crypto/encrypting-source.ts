import { createSHA256 } from 'hash-wasm';
import { AGE_CHUNK, AgeChunkCipher, ageSize, type AgeFileSecret, type ChunkSeal } from './age-resumable.js';
import { paddedLength } from './padding.js';

/** Random access to a plaintext file: a browser `File`, or a file handle in Node. */
export interface PlainReader {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A running SHA-256 of the plaintext (hash-wasm's in the browser; Node's `createHash('sha256')` fits too). */
export interface PlainHasher {
  update(bytes: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

const HASH_GAP_PIECE = 8 * 1024 * 1024;

/**
 * A random-access view of the age ciphertext of a file padded to its Padmé bucket: any byte range
 * can be produced on demand (tus asks for the range after the server's offset), so memory stays at
 * one upload chunk whatever the file size, and a resumed upload continues the same ciphertext.
 *
 * The plaintext SHA-256 is computed on the way, in order; a range that skips ahead (a resume with
 * no saved hash state) hashes the skipped plaintext first, so the digest is always of the whole file.
 */
export class EncryptingSource {
  readonly size: number;
  readonly paddedLength: number;
  private readonly cipher: AgeChunkCipher;
  private cached: { index: number; bytes: Uint8Array } | null = null;
  private hashedUpTo = 0;

  private constructor(
    private readonly plain: PlainReader,
    private readonly secret: AgeFileSecret,
    private readonly hasher: PlainHasher,
    seal?: ChunkSeal,
  ) {
    this.paddedLength = paddedLength(plain.size);
    this.cipher = new AgeChunkCipher(secret, this.paddedLength, seal);
    this.size = ageSize(secret.prefix.length, this.paddedLength);
  }

  /** `seal` and `hasher` default to the portable implementations the browser runs (Node passes native ones). */
  static async open(plain: PlainReader, secret: AgeFileSecret, seal?: ChunkSeal, hasher?: PlainHasher): Promise<EncryptingSource> {
    if (!hasher) {
      const wasm = await createSHA256();
      wasm.init();
      hasher = wasm;
    }
    return new EncryptingSource(plain, secret, hasher, seal);
  }

  /** Ciphertext bytes [start, end). */
  async slice(start: number, end: number): Promise<Uint8Array> {
    end = Math.min(end, this.size);
    if (start < 0 || start > end) throw new RangeError(`invalid range ${start}-${end}`);
    const out = new Uint8Array(end - start);
    const prefix = this.secret.prefix;
    if (start < prefix.length) out.set(prefix.subarray(start, Math.min(end, prefix.length)), 0);
    const ps = Math.max(0, start - prefix.length);
    const pe = end - prefix.length;
    if (pe <= ps) return out;
    const c0 = AgeChunkCipher.chunkOfPayloadOffset(ps);
    const c1 = AgeChunkCipher.chunkOfPayloadOffset(pe - 1);
    const plainStart = c0 * AGE_CHUNK;
    const plainEnd = Math.min(this.paddedLength, (c1 + 1) * AGE_CHUNK);
    let span: Uint8Array | null = null;
    for (let i = c0; i <= c1; i++) {
      let enc: Uint8Array;
      if (this.cached?.index === i) enc = this.cached.bytes;
      else {
        span ??= await this.readPadded(plainStart, plainEnd);
        const [a, b] = this.cipher.plainRange(i);
        enc = this.cipher.encryptChunk(i, span.subarray(a - plainStart, b - plainStart));
        this.cached = { index: i, bytes: enc };
      }
      const chunkStart = AgeChunkCipher.payloadOffset(i);
      const from = Math.max(ps, chunkStart);
      const to = Math.min(pe, chunkStart + enc.length);
      out.set(enc.subarray(from - chunkStart, to - chunkStart), from + prefix.length - start);
    }
    return out;
  }

  /** The plaintext's SHA-256 (hex); reads whatever part was not yet hashed. */
  async sha256(): Promise<string> {
    if (this.hashedUpTo < this.plain.size) await this.hashThrough(this.plain.size);
    return this.hasher.digest('hex');
  }

  private async readPadded(start: number, end: number): Promise<Uint8Array> {
    const real = this.plain.size;
    const buf = new Uint8Array(end - start);
    if (start < real) {
      const got = await this.plain.read(start, Math.min(end, real) - start);
      buf.set(got, 0);
      await this.hashAt(start, got);
    }
    return buf;
  }

  private async hashAt(start: number, bytes: Uint8Array): Promise<void> {
    if (start > this.hashedUpTo) await this.hashThrough(start);
    const end = start + bytes.length;
    if (end > this.hashedUpTo) {
      this.hasher.update(bytes.subarray(this.hashedUpTo - start));
      this.hashedUpTo = end;
    }
  }

  private async hashThrough(end: number): Promise<void> {
    while (this.hashedUpTo < end) {
      const n = Math.min(HASH_GAP_PIECE, end - this.hashedUpTo);
      this.hasher.update(await this.plain.read(this.hashedUpTo, n));
      this.hashedUpTo += n;
    }
  }
}
