import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalid, type BlobPut, type BlobStore } from '@custodia/core';
import { isProcessAlive } from '../process-alive.js';

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Blobs on the local filesystem at `root/ab/cd/<sha256>`, read-only once written.
 * A blob is written to `root/tmp/`, fsynced, then renamed into place and its directory fsynced,
 * so a crash at any moment leaves either no blob or a complete one, never a half-written one.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private counter = 0;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, 'tmp');
  }

  /** Creates the folders and removes temporary files left by processes that died mid-write. */
  async prepare(): Promise<{ removedTemp: number }> {
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    let removedTemp = 0;
    for (const name of await readdir(this.tmpDir)) {
      const pid = Number(name.split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) continue;
      if (pid === process.pid) continue;
      await rm(join(this.tmpDir, name), { force: true });
      removedTemp += 1;
    }
    return { removedTemp };
  }

  pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw invalid(`not a SHA-256 hex digest: "${sha256}"`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(chunks: AsyncIterable<Uint8Array>): Promise<BlobPut> {
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(this.tmpDir, `${process.pid}-${++this.counter}-${randomBytes(6).toString('hex')}.part`);
    const fh = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let closed = false;
    try {
      // Hash the next chunk while the previous one is being written: reading, hashing and writing overlap.
      let pending: Promise<unknown> = Promise.resolve();
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        await pending;
        pending = writeAll(fh, chunk);
      }
      await pending;
      // fdatasync: the bytes and the size are durable before the name points at them.
      await fh.datasync();
      await fh.close();
      closed = true;
      const sha256 = hash.digest('hex');
      const dest = this.pathOf(sha256);
      const existing = await stat(dest).catch(() => null);
      if (existing && existing.size === size) {
        await unlink(tmp);
        return { sha256, size, created: false };
      }
      const dir = join(this.root, sha256.slice(0, 2), sha256.slice(2, 4));
      await mkdir(dir, { recursive: true });
      await chmod(tmp, 0o444);
      // A blob present with the wrong size is damaged (it failed fixity); these verified bytes replace it.
      await rename(tmp, dest);
      await fsyncDir(dir);
      return { sha256, size, created: existing === null };
    } catch (e) {
      if (!closed) await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    const s = await stat(this.pathOf(sha256)).catch(() => null);
    return s ? s.size : null;
  }

  read(sha256: string, range?: { start: number; end?: number }): Readable {
    return createReadStream(this.pathOf(sha256), {
      highWaterMark: 1024 * 1024,
      ...(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {}),
    });
  }

  localPath(sha256: string): string {
    return this.pathOf(sha256);
  }

  async *list(): AsyncIterable<string> {
    const level = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{2}$/.test(n)).sort();
    for (const a of await level(this.root)) {
      for (const b of await level(join(this.root, a))) {
        for (const name of (await readdir(join(this.root, a, b))).sort()) {
          if (HEX64.test(name) && name.startsWith(a + b)) yield name;
        }
      }
    }
  }
}

async function writeAll(fh: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
