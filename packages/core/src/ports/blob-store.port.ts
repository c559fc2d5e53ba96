import type { Readable } from 'node:stream';

export interface BlobPut {
  sha256: string;
  size: number;
  /** false when the store already held these bytes (an exact duplicate). */
  created: boolean;
}

/**
 * Content-addressed, write-once storage for originals and derivatives. Every implementation must
 * pass the contract suite in `@custodia/store` (blob-store.contract.ts).
 */
export interface BlobStore {
  /**
   * Stores the bytes of `chunks`, hashing them on the way. Nothing becomes visible under the hash
   * until every byte is durable; if `chunks` throws, nothing is stored and the error propagates.
   */
  put(chunks: AsyncIterable<Uint8Array>): Promise<BlobPut>;
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when absent. */
  size(sha256: string): Promise<number | null>;
  /** A stream of the stored bytes; `end` is inclusive, as in HTTP ranges. */
  read(sha256: string, range?: { start: number; end?: number }): Readable;
  /** A path on the local filesystem for tools that need one (ffmpeg, zip readers), if the store has one. */
  localPath(sha256: string): string | undefined;
  /** Every stored hash, in no particular order. */
  list(): AsyncIterable<string>;
}
