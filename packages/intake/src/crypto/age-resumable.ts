import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Encrypter } from 'age-encryption';

/** The age v1 STREAM chunk size (C2SP age-encryption.org/v1). */
export const AGE_CHUNK = 64 * 1024;
const TAG = 16;
const CIPHER_CHUNK = AGE_CHUNK + TAG;

/**
 * What makes one encrypted file reproducible byte for byte: its random file key and its header
 * (recipient stanzas, MAC, payload nonce). Keeping these lets a client regenerate any range of the
 * ciphertext after a dropped connection or a reload, so uploads resume at the server's offset
 * instead of starting again. Secret: whoever holds `fileKey` can decrypt the file.
 */
export interface AgeFileSecret {
  fileKey: Uint8Array;
  /** The age header followed by the 16-byte payload nonce: the ciphertext's first bytes. */
  prefix: Uint8Array;
}

/**
 * Starts a new age file to the given recipients (`age1…`). The header comes from typage itself
 * (so it is exactly what `age` writes); the file key is observed through an extra recipient that
 * adds no stanza.
 */
export async function newAgeFile(recipients: readonly string[]): Promise<AgeFileSecret> {
  if (recipients.length === 0) throw new Error('at least one recipient is required');
  const enc = new Encrypter();
  for (const r of recipients) enc.addRecipient(r);
  let fileKey: Uint8Array | null = null;
  enc.addRecipient({
    wrapFileKey(k: Uint8Array) {
      fileKey = k.slice();
      return [];
    },
  });
  // An empty plaintext encrypts to header ‖ nonce ‖ one empty final chunk (a bare tag).
  const whole = await enc.encrypt(new Uint8Array(0));
  if (fileKey === null) throw new Error('age did not produce a file key');
  return { fileKey, prefix: whole.slice(0, whole.length - TAG) };
}

/** Number of STREAM chunks for a plaintext of `length` bytes (an empty plaintext still has one). */
export function chunkCount(length: number): number {
  return Math.max(1, Math.ceil(length / AGE_CHUNK));
}

/** Size of the age file for a plaintext of `length` bytes. */
export function ageSize(prefixLength: number, length: number): number {
  return prefixLength + length + TAG * chunkCount(length);
}

/**
 * ChaCha20-Poly1305 of one STREAM chunk. The browser uses @noble/ciphers (what typage uses);
 * Node may pass its native OpenSSL implementation, which writes the very same bytes, faster.
 */
export type ChunkSeal = (key: Uint8Array, nonce: Uint8Array, plain: Uint8Array) => Uint8Array;

export const nobleChunkSeal: ChunkSeal = (key, nonce, plain) => chacha20poly1305(key, nonce).encrypt(plain);

/** The 12-byte STREAM nonce of chunk `index`: an 11-byte big-endian counter and the last-chunk flag. */
export function streamNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  let n = index;
  for (let i = 10; i >= 0 && n > 0; i--) {
    nonce[i] = n % 256;
    n = Math.floor(n / 256);
  }
  if (last) nonce[11] = 1;
  return nonce;
}

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, nonce, new TextEncoder().encode('payload'), 32);
}

/** Encrypts chunk `index` of a file whose plaintext is `length` bytes: pure, so any chunk can be redone. */
export class AgeChunkCipher {
  private readonly key: Uint8Array;
  readonly chunks: number;

  constructor(
    secret: AgeFileSecret,
    readonly length: number,
    private readonly sealChunk: ChunkSeal = nobleChunkSeal,
  ) {
    this.key = payloadKey(secret.fileKey, secret.prefix.subarray(secret.prefix.length - 16));
    this.chunks = chunkCount(length);
  }

  /** Byte range of chunk `index` in the ciphertext payload (after the prefix). */
  static payloadOffset(index: number): number {
    return index * CIPHER_CHUNK;
  }

  static chunkOfPayloadOffset(offset: number): number {
    return Math.floor(offset / CIPHER_CHUNK);
  }

  /** Plaintext byte range of chunk `index`. */
  plainRange(index: number): [number, number] {
    return [index * AGE_CHUNK, Math.min(this.length, (index + 1) * AGE_CHUNK)];
  }

  encryptChunk(index: number, plain: Uint8Array): Uint8Array {
    return this.sealChunk(this.key, streamNonce(index, index === this.chunks - 1), plain);
  }
}
