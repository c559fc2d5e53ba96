import type { BlobStore, SourceText } from '@custodia/core';

const MAX_TEXT_BYTES = 20 * 1024 * 1024;

/** Bytes as text when they are UTF-8 without NUL bytes (a saved page, a plain-text copy), else null. */
export function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The text of a captured copy in the blob store, for checking quotes (null for video, PDF, images). */
export class BlobSourceText implements SourceText {
  constructor(private readonly blobs: BlobStore) {}
  async textOf(sha256: string): Promise<string | null> {
    const size = await this.blobs.size(sha256);
    if (size === null || size > MAX_TEXT_BYTES) return null;
    const parts: Buffer[] = [];
    for await (const chunk of this.blobs.read(sha256)) parts.push(Buffer.from(chunk as Uint8Array));
    return asText(Buffer.concat(parts));
  }
}
