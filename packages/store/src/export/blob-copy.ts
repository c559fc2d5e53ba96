// Copying vault blobs into a court package (ADR 0030): the kernel copies each blob, then the copy is
// read back and hashed, two blobs at a time, so one's copy runs while the other is hashed. What is
// hashed is what ships: a blob that no longer matches its name is never shipped. (Reading each blob
// once through this process, hashing and writing the same bytes, was measured slower: copyHashed
// below, kept for single files.)

import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { integrity } from '@custodia/core';

const CHUNK = 8 * 1024 * 1024;
/**
 * Buffer pairs kept between copies: a fresh 8 MiB buffer is new memory the kernel must fault in
 * page by page, which cost more than the copy itself (measured: 2.3 s against 0.7 s for 400 MB).
 */
const spareBuffers: Buffer[][] = [];

type Named = { sha: string | null; label: string; outcome?: string };
/** The refusals every copy gives, naming the evidence (`label`) rather than just its hash, and what was not made. */
const missingBlob = (c: Named) =>
  integrity(`${c.label}: the stored blob ${c.sha} is missing from the blob store: run "custodia verify --all"; ${c.outcome ?? 'nothing was exported'}`, { sha256: c.sha });
const changedBlob = (c: Named, actual: string) =>
  integrity(`${c.label}: the stored blob ${c.sha} no longer has that SHA-256 (it is ${actual}): run "custodia verify --all"; ${c.outcome ?? 'nothing was exported'}`, { sha256: c.sha });

export interface BlobCopy {
  /** The SHA-256 the vault recorded (the blob's name). */
  sha: string;
  /** Where the blob is read from. */
  src: string;
  /** Where it is written (created, never overwritten). */
  dest: string;
  /** What the blob is, for messages: e.g. `item 12 (/usb/cam1/a.mp4)`. */
  label: string;
  /** What a refusal says was not made (default "nothing was exported"). */
  outcome?: string;
}

/**
 * Copies `src` to `dest` in one pass, hashing the bytes as they are written; returns the size and
 * SHA-256 of what was written. With `expected`, a different SHA-256 throws an integrity error naming
 * `label` (the partial copy is left for the caller, who removes the whole package folder).
 *
 * @example
 * await copyHashed({ sha: 'ab…', src: vault.blobs.localPath('ab…'), dest: 'pkg/files/originals/ab…', label: 'item 3 (/usb/a.mp4)' })
 * // => { size: 1048576, sha256: 'ab…' }
 */
export async function copyHashed(c: Omit<BlobCopy, 'sha'> & { sha: string | null }): Promise<{ size: number; sha256: string }> {
  const inp = await open(c.src, 'r').catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' && c.sha !== null ? missingBlob(c) : e;
  });
  let out: FileHandle | undefined;
  let pair: Buffer[] | undefined;
  try {
    await mkdir(dirname(c.dest), { recursive: true });
    out = await open(c.dest, 'wx');
    const hash = createHash('sha256');
    // Two buffers: the next chunk is read while the current one is written and, meanwhile, hashed.
    pair = spareBuffers.pop() ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let [cur, spare] = pair as [Buffer, Buffer];
    let size = 0;
    let got = (await inp.read(cur, 0, CHUNK, null)).bytesRead;
    while (got > 0) {
      const next = inp.read(spare, 0, CHUNK, null);
      const chunk = cur.subarray(0, got);
      // The write runs on libuv's pool while this thread hashes the same (unchanging) bytes.
      const written = writeAll(out, chunk, size);
      hash.update(chunk);
      await written;
      size += got;
      got = (await next).bytesRead;
      [cur, spare] = [spare, cur];
    }
    const sha256 = hash.digest('hex');
    if (c.sha !== null && sha256 !== c.sha) throw changedBlob(c, sha256);
    return { size, sha256 };
  } finally {
    await out?.close();
    await inp.close();
    if (pair) spareBuffers.push(pair);
  }
}

/**
 * Copies `src` to `dest` with the kernel (`copy_file_range`, or a reflink where the file system has
 * them), then reads the copy back and hashes it; with `sha`, a different SHA-256 throws an integrity
 * error naming `label`. Returns the size of the copy.
 */
export async function copyThenHash(c: BlobCopy): Promise<number> {
  await mkdir(dirname(c.dest), { recursive: true });
  await copyFile(c.src, c.dest, constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? missingBlob(c) : e;
  });
  const inp = await open(c.dest, 'r');
  const pair = spareBuffers.pop() ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  try {
    const hash = createHash('sha256');
    // Two buffers: the next chunk is read while the current one is hashed.
    let [cur, spare] = pair as [Buffer, Buffer];
    let size = 0;
    let got = (await inp.read(cur, 0, CHUNK, null)).bytesRead;
    while (got > 0) {
      const next = inp.read(spare, 0, CHUNK, null);
      hash.update(cur.subarray(0, got));
      size += got;
      got = (await next).bytesRead;
      [cur, spare] = [spare, cur];
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== c.sha) throw changedBlob(c, sha256);
    return size;
  } finally {
    spareBuffers.push(pair);
    await inp.close();
  }
}

/**
 * Copies every blob with {@link copyThenHash}, `parallel` at a time (two: one's kernel copy runs
 * while the other is hashed), calling `onDone` after each in completion order. The first failure
 * stops new copies and is thrown once those in flight have ended.
 */
export async function copyBlobs<C extends BlobCopy>(copies: C[], parallel: number, onDone: (c: C, size: number) => void): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < copies.length) {
      const c = copies[next++]!;
      try {
        onDone(c, await copyThenHash(c));
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, copies.length)) }, worker));
  if (failed !== null) throw failed;
}

async function writeAll(out: FileHandle, chunk: Buffer, at: number): Promise<void> {
  for (let off = 0; off < chunk.length; ) off += (await out.write(chunk, off, chunk.length - off, at + off)).bytesWritten;
}
