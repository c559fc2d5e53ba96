import { createCipheriv, createDecipheriv } from 'node:crypto';
import { open as openFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Decrypter } from 'age-encryption';
import { AGE_CHUNK, payloadKey, streamNonce, type ChunkSeal } from '../crypto/age-resumable.js';
import type { PlainReader } from '../crypto/encrypting-source.js';
import { open } from '../crypto/sealed.js';
import { FileKeyRing } from './file-keys.js';

/** How the vault opens intake files: the staff member's identities (CLI), or per-file keys unwrapped in the browser (web import, ADR 0028). */
export type AgeKeys = readonly string[] | FileKeyRing;

const TAG = 16;
const CIPHER_CHUNK = AGE_CHUNK + TAG;

/** Node's native (OpenSSL) ChaCha20-Poly1305: the same bytes as the portable implementation, an order of magnitude faster. */
export const nodeChunkSeal: ChunkSeal = (key, nonce, plain) => {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  const body = c.update(plain);
  c.final();
  return Buffer.concat([body, c.getAuthTag()]);
};

export class AgeDecryptError extends Error {}

/**
 * Streaming age decryption for the vault side: the header (recipient stanzas, MAC) is checked by
 * typage, the payload decrypted with Node's native ChaCha20-Poly1305 chunk by chunk. Memory stays
 * at two chunks; a truncated, reordered or modified chunk fails its tag and stops the stream.
 */
export async function* decryptAge(ciphertext: AsyncIterable<Uint8Array>, identities: AgeKeys): AsyncGenerator<Uint8Array> {
  let buf: Buffer = Buffer.alloc(0);
  const it = ciphertext[Symbol.asyncIterator]();
  let eof = false;
  const more = async () => {
    const r = await it.next();
    if (r.done) eof = true;
    else buf = buf.length === 0 ? Buffer.from(r.value) : Buffer.concat([buf, r.value]);
  };
  // Header: lines up to and including "--- <mac>\n".
  let headerEnd = -1;
  while (headerEnd < 0) {
    const marker = buf.indexOf('\n---');
    if (marker >= 0) {
      const nl = buf.indexOf('\n', marker + 1);
      if (nl >= 0) headerEnd = nl + 1;
    }
    if (headerEnd < 0) {
      if (eof) throw new AgeDecryptError('not an age file: no header end');
      if (buf.length > 1 << 20) throw new AgeDecryptError('age header too large');
      await more();
    }
  }
  let fileKey: Uint8Array;
  try {
    if (identities instanceof FileKeyRing) fileKey = identities.keyFor(buf.subarray(0, headerEnd));
    else {
      const d = new Decrypter();
      for (const id of identities) d.addIdentity(id);
      fileKey = await d.decryptHeader(buf.subarray(0, headerEnd));
    }
  } catch (e) {
    throw new AgeDecryptError(`cannot open the age header: ${(e as Error).message}`);
  }
  while (buf.length < headerEnd + 16 && !eof) await more();
  if (buf.length < headerEnd + 16) throw new AgeDecryptError('truncated: no payload nonce');
  const key = payloadKey(fileKey, buf.subarray(headerEnd, headerEnd + 16));
  buf = buf.subarray(headerEnd + 16);
  let index = 0;
  for (;;) {
    while (buf.length <= CIPHER_CHUNK && !eof) await more();
    const last = buf.length <= CIPHER_CHUNK;
    const chunk = buf.subarray(0, Math.min(CIPHER_CHUNK, buf.length));
    if (chunk.length < TAG) throw new AgeDecryptError('truncated final chunk');
    if (last && index > 0 && chunk.length === TAG) throw new AgeDecryptError('empty final chunk');
    const dec = createDecipheriv('chacha20-poly1305', key, streamNonce(index, last), { authTagLength: TAG });
    dec.setAuthTag(chunk.subarray(chunk.length - TAG));
    const plain = dec.update(chunk.subarray(0, chunk.length - TAG));
    try {
      dec.final();
    } catch {
      throw new AgeDecryptError(`chunk ${index} failed authentication: the ciphertext was modified or truncated`);
    }
    yield plain;
    if (last) return;
    buf = buf.subarray(CIPHER_CHUNK);
    index += 1;
  }
}

/** A file on disk as a PlainReader (what the CLI and benchmark encrypt). */
export async function fileReader(path: string): Promise<PlainReader & { close(): Promise<void> }> {
  const fh = await openFile(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    async read(offset, length) {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new Error(`${path} shrank while it was being read`);
        got += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

/** For IntakeClient in Node: hands each tus chunk to the HTTP stack as one stream chunk (one write, not 16 KiB pieces). */
export function nodeUploadBody(chunk: Uint8Array): unknown {
  return Readable.from([Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)], { objectMode: false });
}

/** A whole small age file (a manifest) opened with identities or a file key. */
export async function openAge(ciphertext: Uint8Array, keys: AgeKeys): Promise<Uint8Array> {
  if (!(keys instanceof FileKeyRing)) return open(ciphertext, keys);
  const parts: Uint8Array[] = [];
  for await (const p of decryptAge((async function* () { yield ciphertext; })(), keys)) parts.push(p);
  return Buffer.concat(parts);
}
