// Hashing a package folder's files and reading SHA256SUMS. Files are streamed (packages hold
// gigabytes of video); package-source.ts hashes each once however many lists name it.

import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface HashedFile {
  sha256: string;
  size: number;
}

const CHUNK = 8 * 1024 * 1024;
/** Read buffers kept between files: fresh 8 MiB buffers are memory the kernel must fault in anew. */
const spareBuffers: Buffer[][] = [];

/**
 * SHA-256 and size of a file, read in 8 MiB chunks. Returns null if it cannot be read.
 *
 * @example
 * await hashFile('package/files/originals/ab…') // => { sha256: 'ab…', size: 1048576 }
 */
export async function hashFile(path: string): Promise<HashedFile | null> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  const pair = spareBuffers.pop() ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  try {
    const hash = createHash('sha256');
    // Two buffers: the next chunk is read from disk while the current one is hashed.
    let [cur, spare] = pair as [Buffer, Buffer];
    let size = 0;
    let got = (await fh.read(cur, 0, CHUNK, null)).bytesRead;
    while (got > 0) {
      const next = fh.read(spare, 0, CHUNK, null);
      hash.update(cur.subarray(0, got));
      size += got;
      got = (await next).bytesRead;
      [cur, spare] = [spare, cur];
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    spareBuffers.push(pair);
    await fh.close();
  }
}

/**
 * Every regular file under `dir`, as `/`-separated relative paths, sorted.
 *
 * @example
 * await listFiles('package') // => ['SHA256SUMS', 'VERIFY.md', 'files/originals/ab…', …]
 */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

export interface SumsLine {
  line: number;
  sha256: string;
  path: string;
}

/**
 * Parses a `sha256sum` output file: `<64 hex> <space or *><path>` per line. Lines that do not
 * fit are returned in `bad` with their line numbers.
 *
 * @example
 * parseSums('e3b0…855  empty.txt\n') // => { lines: [{ line: 1, sha256: 'e3b0…855', path: 'empty.txt' }], bad: [] }
 */
export function parseSums(text: string): { lines: SumsLine[]; bad: number[] } {
  const lines: SumsLine[] = [];
  const bad: number[] = [];
  const rows = text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  rows.forEach((row, i) => {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(row);
    if (m) lines.push({ line: i + 1, sha256: m[1]!, path: m[2]! });
    else bad.push(i + 1);
  });
  return { lines, bad };
}

/** Splits a file into its lines' exact bytes (the file must end with a newline). */
export function splitLines(bytes: Buffer): { lines: Buffer[]; endsWithNewline: boolean } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return { lines, endsWithNewline: bytes.length === 0 || bytes[bytes.length - 1] === 0x0a };
}
