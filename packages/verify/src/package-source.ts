// Where the verifier reads a package from: its folder, or its zip read in place (ADR 0030).
// Either way each file is hashed once however many lists name it.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile, listFiles, type HashedFile } from './package-files.js';
import { ZipPackage } from './zip-reader.js';

export interface PackageProblem {
  where: string;
  what: string;
}

export interface PackageSource {
  /** The folder or zip file, as given. */
  readonly location: string;
  readonly kind: 'folder' | 'zip';
  /** Every file in the package, as sorted `/`-separated relative paths. */
  list(): Promise<string[]>;
  /** A file's bytes; throws if it cannot be read. */
  read(rel: string): Promise<Buffer>;
  /** A file's SHA-256 and size, or null if it cannot be read (see {@link PackageSource.fileProblems}). */
  hash(rel: string): Promise<HashedFile | null>;
  /** A path on disk holding the file's bytes, for tools that want a file (openssl's -CAfile). */
  pathOf(rel: string): Promise<string>;
  /** What is wrong with a file in how it is stored (a zip entry's header, CRC, …), beyond its content. */
  fileProblems(rel: string): string[];
  /** Problems of the container itself (the zip's structure), each naming where. */
  problems(): PackageProblem[];
  readonly count: number;
  readonly bytes: number;
  close(): Promise<void>;
}

/**
 * Opens a package folder, or a zip file read in place.
 *
 * @example
 * const src = await openPackage('/media/usb/case-2024-017.zip');
 * await src.list() // => ['SHA256SUMS', 'VERIFY.md', 'files/originals/ab…', …]
 */
export async function openPackage(location: string): Promise<PackageSource> {
  const st = await stat(location);
  return st.isDirectory() ? new FolderSource(location) : new ZipSource(await ZipPackage.open(location), location);
}

abstract class Hashing {
  readonly #cache = new Map<string, Promise<HashedFile | null>>();
  bytes = 0;
  protected abstract compute(rel: string): Promise<HashedFile | null>;
  hash(rel: string): Promise<HashedFile | null> {
    let p = this.#cache.get(rel);
    if (!p) {
      p = this.compute(rel).then((h) => {
        if (h) this.bytes += h.size;
        return h;
      });
      this.#cache.set(rel, p);
    }
    return p;
  }
  get count(): number {
    return this.#cache.size;
  }
}

class FolderSource extends Hashing implements PackageSource {
  readonly kind = 'folder';
  constructor(readonly location: string) {
    super();
  }
  private abs(rel: string): string {
    return join(this.location, ...rel.split('/'));
  }
  list(): Promise<string[]> {
    return listFiles(this.location);
  }
  read(rel: string): Promise<Buffer> {
    return readFile(this.abs(rel));
  }
  protected compute(rel: string): Promise<HashedFile | null> {
    return hashFile(this.abs(rel));
  }
  async pathOf(rel: string): Promise<string> {
    return this.abs(rel);
  }
  fileProblems(): string[] {
    return [];
  }
  problems(): PackageProblem[] {
    return [];
  }
  async close(): Promise<void> {}
}

/** Small files read whole from the zip are kept, so a file both read and hashed is read once. */
const KEEP = 64 * 1024 * 1024;

class ZipSource extends Hashing implements PackageSource {
  readonly kind = 'zip';
  readonly #kept = new Map<string, Buffer>();
  #tmp: string | null = null;
  constructor(private readonly zip: ZipPackage, readonly location: string) {
    super();
  }
  async list(): Promise<string[]> {
    return [...this.zip.entries.keys()].sort();
  }
  async read(rel: string): Promise<Buffer> {
    const kept = this.#kept.get(rel);
    if (kept) return kept;
    const x = this.zip.entries.get(rel);
    if (!x) throw new Error(`${rel} is not in the zip`);
    if (x.size > KEEP) throw new Error(`${rel} is too large to read whole (${x.size} bytes)`);
    const chunks: Buffer[] = [];
    await this.zip.stream(x, (b) => chunks.push(Buffer.from(b)));
    const unreadable = this.fileProblems(rel).find((p) => p.startsWith('cannot be read') || /encrypted|compression method/.test(p));
    if (unreadable) throw new Error(`in the zip, ${rel} ${unreadable}`);
    const bytes = Buffer.concat(chunks);
    this.#kept.set(rel, bytes);
    return bytes;
  }
  protected async compute(rel: string): Promise<HashedFile | null> {
    const x = this.zip.entries.get(rel);
    if (!x) return null;
    const hash = createHash('sha256');
    let size = 0;
    if (x.size <= KEEP) {
      const b = await this.read(rel).catch(() => null);
      if (!b) return null;
      return { sha256: hash.update(b).digest('hex'), size: b.length };
    }
    const ok = await this.zip.stream(x, (b) => {
      hash.update(b);
      size += b.length;
    });
    if (!ok && this.fileProblems(rel).some((p) => p.startsWith('cannot be read') || /encrypted|compression method/.test(p))) return null;
    return { sha256: hash.digest('hex'), size };
  }
  async pathOf(rel: string): Promise<string> {
    this.#tmp ??= await mkdtemp(join(tmpdir(), 'custodia-verify-'));
    const path = join(this.#tmp, rel.replace(/\//g, '_'));
    await writeFile(path, await this.read(rel));
    return path;
  }
  fileProblems(rel: string): string[] {
    return [...new Set(this.zip.entryProblems.get(rel) ?? [])];
  }
  problems(): PackageProblem[] {
    const out: PackageProblem[] = [...this.zip.problems];
    for (const rel of this.zip.entryProblems.keys()) for (const what of this.fileProblems(rel)) out.push({ where: rel, what: `in the zip: ${what}` });
    return out;
  }
  async close(): Promise<void> {
    if (this.#tmp) await rm(this.#tmp, { recursive: true, force: true });
    await this.zip.close();
  }
}
