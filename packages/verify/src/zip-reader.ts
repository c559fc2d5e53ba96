// Reads a court package's zip directly (ADR 0030): the central directory (zip64 end records and
// extra fields included), each local header checked against it, and every byte of the file
// accounted for — local headers, data and data descriptors back to back from byte 0, then the
// central directory, then the end records, and nothing after. Entries are streamed (stored, or
// deflate through Node's zlib) and their CRC-32 and sizes checked while they are read. Nothing
// here throws for bad zip content: every problem is recorded, naming the entry or the byte offset.

import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  /** The name in the zip, as written. */
  name: string;
  /** The name inside the package (the package folder's name removed). */
  rel: string;
  index: number;
  cdAt: number;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localAt: number;
  /** Where the data starts, from its local header; null if there is none. */
  dataAt: number | null;
}

export interface ZipProblem {
  where: string;
  what: string;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator: 0x07064b50, descriptor: 0x08074b50 };
const M16 = 0xffff;
const M32 = 0xffffffff;
const CHUNK = 8 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Read buffers kept between entries: fresh 8 MiB buffers are memory the kernel must fault in anew. */
const spareBuffers: Buffer[][] = [];

/** The zip format's CRC-32: zlib's where Node has it (20.15+), a table otherwise (the verifier runs on Node 18). */
const crc32: (b: Uint8Array, prev: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (b, p) => (zlib as unknown as { crc32: (b: Uint8Array, p: number) => number }).crc32(b, p) : tableCrc32;
let TABLE: Int32Array | null = null;
function tableCrc32(b: Uint8Array, prev: number): number {
  if (!TABLE) {
    TABLE = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[n] = c;
    }
  }
  let c = ~prev;
  for (let i = 0; i < b.length; i++) c = TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A zip opened for verification: its entries by package path, and what is wrong with it. */
export class ZipPackage {
  /** Entries by their path inside the package (directories left out). */
  readonly entries = new Map<string, ZipEntry>();
  /** Problems of the zip as a whole, each naming the byte offset where it is. */
  readonly problems: ZipProblem[] = [];
  /** Problems of single entries, by their path inside the package. */
  readonly entryProblems = new Map<string, string[]>();
  /** True when the central directory could not be read: no entry can be listed. */
  unreadable = false;

  private constructor(readonly path: string, private readonly fh: FileHandle, readonly size: number) {}

  /** Opens and checks the zip's structure (no entry data is read yet). Throws only if the file cannot be opened. */
  static async open(path: string): Promise<ZipPackage> {
    const size = (await stat(path)).size;
    const z = new ZipPackage(path, await open(path, 'r'), size);
    try {
      await z.readStructure();
    } catch (e) {
      if (!(e instanceof Broken)) throw e;
      z.unreadable = true;
      z.problems.push({ where: z.at(e.offset, e.part), what: e.message });
    }
    return z;
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  private at(offset: number, part: string): string {
    return `${basename(this.path)} byte ${offset} (${part})`;
  }
  private structure(offset: number, part: string, what: string): void {
    this.problems.push({ where: this.at(offset, part), what });
  }
  private entryProblem(e: ZipEntry, what: string): void {
    const list = this.entryProblems.get(e.rel) ?? [];
    list.push(what);
    this.entryProblems.set(e.rel, list);
  }
  private async bytes(at: number, n: number): Promise<Buffer> {
    const b = Buffer.alloc(n);
    const { bytesRead } = await this.fh.read(b, 0, n, at);
    if (bytesRead !== n) throw new Broken(at, 'read', `the zip ends ${n - bytesRead} bytes too early (${this.size} bytes in all)`);
    return b;
  }

  private async readStructure(): Promise<void> {
    if (this.size < 22) throw new Broken(0, 'whole file', `${this.size} bytes is too short for a zip`);
    // The end record: the last one in the final 64 KiB whose comment fits in the file.
    const tailLen = Math.min(this.size, 22 + M16 + 20);
    const tailAt = this.size - tailLen;
    const tail = await this.bytes(tailAt, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG.end && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Broken(this.size, 'end', 'no end of central directory record: not a zip, or its end is cut off or damaged');
    const eocdAt = tailAt + eocd;
    const e = {
      disk: tail.readUInt16LE(eocd + 4), cdDisk: tail.readUInt16LE(eocd + 6), diskCount: tail.readUInt16LE(eocd + 8), count: tail.readUInt16LE(eocd + 10),
      cdSize: tail.readUInt32LE(eocd + 12), cdAt: tail.readUInt32LE(eocd + 16), comment: tail.readUInt16LE(eocd + 20),
    };
    const endOfZip = eocdAt + 22 + e.comment;
    if (endOfZip < this.size) this.structure(endOfZip, 'after the end record', `${this.size - endOfZip} bytes follow the end of the zip`);
    if (e.comment > 0) this.structure(eocdAt + 22, 'zip comment', `the zip has a ${e.comment}-byte comment, which nothing verifies (a court package's zip has none)`);

    let count = e.count;
    let cdSize = e.cdSize;
    let cdAt = e.cdAt;
    let cdEnd = eocdAt; // where the central directory must end: the zip64 end record, or the end record
    const locAt = eocdAt - 20;
    if (locAt >= 0 && (await this.bytes(locAt, 4)).readUInt32LE(0) === SIG.locator) {
      const loc = await this.bytes(locAt, 20);
      const at64 = num64(loc, 8, locAt);
      if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) this.structure(locAt, 'zip64 end locator', 'names another disk: split zips are not supported');
      if (at64 + 56 !== locAt) throw new Broken(locAt, 'zip64 end locator', `points at byte ${at64} for the zip64 end record, which must start at byte ${locAt - 56}`);
      const r = await this.bytes(at64, 56);
      if (r.readUInt32LE(0) !== SIG.end64) throw new Broken(at64, 'zip64 end record', 'no zip64 end record signature');
      if (num64(r, 4, at64) !== 44) this.structure(at64 + 4, 'zip64 end record', `its size field says ${num64(r, 4, at64)}, not 44`);
      if (r.readUInt32LE(16) !== 0 || r.readUInt32LE(20) !== 0) this.structure(at64 + 16, 'zip64 end record', 'names another disk: split zips are not supported');
      const c64 = num64(r, 32, at64);
      if (num64(r, 24, at64) !== c64) this.structure(at64 + 24, 'zip64 end record', `${num64(r, 24, at64)} entries on this disk but ${c64} in all`);
      const s64 = num64(r, 40, at64);
      const o64 = num64(r, 48, at64);
      for (const [field, classic, wide, mask, off] of [
        ['entry count', e.count, c64, M16, 10], ['entries on this disk', e.diskCount, c64, M16, 8], ['directory size', e.cdSize, s64, M32, 12], ['directory offset', e.cdAt, o64, M32, 16],
      ] as const) {
        if (classic !== mask && classic !== wide) this.structure(eocdAt + off, 'end record', `its ${field} ${classic} differs from the zip64 end record's ${wide}`);
      }
      if ((e.disk !== 0 && e.disk !== M16) || (e.cdDisk !== 0 && e.cdDisk !== M16)) this.structure(eocdAt + 4, 'end record', 'names another disk: split zips are not supported');
      [count, cdSize, cdAt, cdEnd] = [c64, s64, o64, at64];
    } else {
      if ([e.count, e.diskCount, e.cdDisk, e.disk].includes(M16) || e.cdSize === M32 || e.cdAt === M32) {
        throw new Broken(eocdAt, 'end record', 'it defers to a zip64 end record that is not there');
      }
      if (e.disk !== 0 || e.cdDisk !== 0) this.structure(eocdAt + 4, 'end record', 'names another disk: split zips are not supported');
      if (e.diskCount !== e.count) this.structure(eocdAt + 8, 'end record', `${e.diskCount} entries on this disk but ${e.count} in all`);
    }
    if (cdAt + cdSize !== cdEnd) {
      throw new Broken(cdAt, 'central directory', `the end record places the central directory at bytes ${cdAt}–${cdAt + cdSize - 1}, but it must end at byte ${cdEnd - 1}`);
    }
    const cd = await this.bytes(cdAt, cdSize);
    const list = this.parseCentral(cd, cdAt, count);
    await this.checkLocals(list, cdAt);
  }

  private parseCentral(cd: Buffer, cdAt: number, count: number): ZipEntry[] {
    const list: ZipEntry[] = [];
    const seen = new Map<string, string>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      const at = cdAt + p;
      const part = `central directory entry ${i + 1}`;
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG.central) {
        throw new Broken(at, part, `no central directory entry here: the directory holds fewer than the ${count} entries the end record counts`);
      }
      const nlen = cd.readUInt16LE(p + 28);
      const xlen = cd.readUInt16LE(p + 30);
      const clen = cd.readUInt16LE(p + 32);
      if (p + 46 + nlen + xlen + clen > cd.length) throw new Broken(at, part, 'runs past the end of the central directory');
      const rawName = cd.subarray(p + 46, p + 46 + nlen);
      let name: string;
      try {
        name = utf8.decode(rawName);
      } catch {
        throw new Broken(at + 46, part, `its name is not UTF-8 (${rawName.toString('hex')})`);
      }
      const ent: ZipEntry = {
        name, rel: name, index: i + 1, cdAt: at, method: cd.readUInt16LE(p + 10), flags: cd.readUInt16LE(p + 8), crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20), size: cd.readUInt32LE(p + 24), localAt: cd.readUInt32LE(p + 42), dataAt: null,
      };
      const where = `${part}, ${JSON.stringify(name)}`;
      let disk = cd.readUInt16LE(p + 34);
      // The zip64 extra field holds, in this order, each field that is 0xFFFF… in the header.
      const extra = fields(cd.subarray(p + 46 + nlen, p + 46 + nlen + xlen));
      if (!extra) this.structure(at + 46 + nlen, where, 'its extra fields do not add up to their length');
      const z64 = extra?.get(0x0001);
      const wide: ['size' | 'compressedSize' | 'localAt', number][] = [];
      if (ent.size === M32) wide.push(['size', 8]);
      if (ent.compressedSize === M32) wide.push(['compressedSize', 8]);
      if (ent.localAt === M32) wide.push(['localAt', 8]);
      const need = wide.length * 8 + (disk === M16 ? 4 : 0);
      if (need > 0 || z64) {
        if (!z64 || z64.length !== need) {
          throw new Broken(at + 46 + nlen, where, `its zip64 extra field holds ${z64?.length ?? 0} bytes, ${need} expected`);
        }
        let q = 0;
        for (const [k] of wide) {
          ent[k] = num64(z64, q, at);
          q += 8;
        }
        if (disk === M16) disk = z64.readUInt32LE(q);
      }
      if (disk !== 0) this.structure(at + 34, where, 'starts on another disk: split zips are not supported');
      if (clen > 0) this.structure(at + 46 + nlen + xlen, where, `has a ${clen}-byte comment, which nothing verifies`);
      if (cd.readUInt16LE(p + 8) & 0x2000) throw new Broken(at + 8, where, 'the central directory is encrypted');
      this.#cd.set(ent, Buffer.from(cd.subarray(p, p + 46)));
      p += 46 + nlen + xlen + clen;

      const bad = unsafeName(name);
      if (bad) {
        this.structure(at + 46, where, `refused: the name ${bad}`);
        continue;
      }
      const key = name.toLowerCase();
      if (seen.has(key)) {
        this.structure(at + 46, where, `refused: the name ${seen.get(key) === name ? 'is' : 'differs only in case from'} that of an earlier entry (${JSON.stringify(seen.get(key))})`);
        continue;
      }
      seen.set(key, name);
      list.push(ent);
    }
    if (p !== cd.length) this.structure(cdAt + p, 'central directory', `${cd.length - p} bytes follow the ${count} entries the end record counts`);

    // The package folder: one top-level folder holding everything (as `custodia export --zip` writes), or none.
    const files = list.filter((x) => !x.name.endsWith('/'));
    const tops = new Set(list.map((x) => x.name.split('/')[0]));
    const prefix = files.some((x) => x.name === 'manifest.json') || tops.size !== 1 || files.some((x) => !x.name.includes('/')) ? '' : `${[...tops][0]}/`;
    if (!prefix && tops.size > 1 && !files.some((x) => x.name === 'manifest.json')) {
      this.structure(cdAt, 'central directory', `the entries are not in one package folder (top-level names: ${[...tops].slice(0, 5).map((t) => JSON.stringify(t)).join(', ')})`);
    }
    for (const x of list) {
      x.rel = x.name.slice(prefix.length);
      const where = `central directory entry ${x.index}, ${JSON.stringify(x.name)}`;
      if (x.name.endsWith('/')) {
        if (x.size !== 0 || x.compressedSize !== 0) this.structure(x.cdAt, where, 'a folder entry that holds data');
      } else this.entries.set(x.rel, x);
      if (x.flags & 0x41 || x.method === 99) this.entryProblem(x, 'is encrypted in the zip: refused (a court package is never encrypted)');
      else if (x.method !== 0 && x.method !== 8) this.entryProblem(x, `uses compression method ${x.method} in the zip: only stored (0) and deflate (8) are read`);
      else if (x.method === 0 && x.compressedSize !== x.size) this.entryProblem(x, `is stored in the zip with ${x.compressedSize} bytes for ${x.size}`);
    }
    return list;
  }

  /** Each local header agrees with the central directory, and entries tile the file from byte 0 to the directory. */
  private async checkLocals(list: ZipEntry[], cdAt: number): Promise<void> {
    const spans: { from: number; to: number; ent: ZipEntry }[] = [];
    for (const x of list) {
      const bad = (what: string) => this.entryProblem(x, `its local header at byte ${x.localAt} ${what}`);
      if (x.localAt + 30 > cdAt) {
        bad('is not before the central directory');
        continue;
      }
      const h = await this.bytes(x.localAt, 30);
      if (h.readUInt32LE(0) !== SIG.local) {
        bad('is not there (no local header signature)');
        continue;
      }
      const nlen = h.readUInt16LE(26);
      const xlen = h.readUInt16LE(28);
      const nx = await this.bytes(x.localAt + 30, nlen + xlen);
      const central = this.centralHeader(x);
      const differs: string[] = [];
      for (const [field, off, len] of [['version needed', 4, 2], ['flags', 6, 2], ['compression method', 8, 2], ['time', 10, 2], ['date', 12, 2]] as const) {
        const a = h.readUIntLE(off, len);
        const b = central.readUIntLE(off + 2, len);
        if (a !== b) differs.push(`${field} ${a}, the central directory says ${b}`);
      }
      if (!nx.subarray(0, nlen).equals(Buffer.from(x.name, 'utf8'))) differs.push(`name ${JSON.stringify(nx.subarray(0, nlen).toString('utf8'))}, the central directory says ${JSON.stringify(x.name)}`);
      const lx = fields(nx.subarray(nlen));
      let lcrc = h.readUInt32LE(14);
      let lcsize = h.readUInt32LE(18);
      let lsize = h.readUInt32LE(22);
      const z64 = lx?.get(0x0001);
      if (!lx) differs.push('extra fields that do not add up to their length');
      else if (lsize === M32 || lcsize === M32 || z64) {
        if (!z64 || z64.length !== 16) differs.push(`a zip64 extra field of ${z64?.length ?? 0} bytes (16 expected)`);
        else [lsize, lcsize] = [lsize === M32 ? num64(z64, 0, x.localAt) : lsize, lcsize === M32 ? num64(z64, 8, x.localAt) : lcsize];
      }
      const dataAt = x.localAt + 30 + nlen + xlen;
      let end = dataAt + x.compressedSize;
      if (x.flags & 0x08) {
        for (const [field, v, c] of [['CRC-32', lcrc, x.crc], ['compressed size', lcsize, x.compressedSize], ['size', lsize, x.size]] as const) {
          if (v !== 0 && v !== c) differs.push(`${field} ${v} before a data descriptor, the central directory says ${c}`);
        }
        // Sizes and CRC follow the data in a descriptor (optional signature; 8-byte sizes for zip64).
        const big = !!z64;
        const d = end + 24 <= cdAt ? await this.bytes(end, Math.min(24, cdAt - end)) : await this.bytes(end, Math.max(0, cdAt - end));
        const s = d.length >= 4 && d.readUInt32LE(0) === SIG.descriptor ? 4 : 0;
        const len = s + 4 + (big ? 16 : 8);
        if (d.length < len) differs.push(`a data descriptor that does not fit before the central directory`);
        else {
          [lcrc, lcsize, lsize] = [d.readUInt32LE(s), big ? num64(d, s + 4, end) : d.readUInt32LE(s + 4), big ? num64(d, s + 12, end) : d.readUInt32LE(s + 8)];
          end += len;
        }
      }
      if (lcrc !== x.crc) differs.push(`CRC-32 ${hex8(lcrc)}, the central directory says ${hex8(x.crc)}`);
      if (lcsize !== x.compressedSize) differs.push(`compressed size ${lcsize}, the central directory says ${x.compressedSize}`);
      if (lsize !== x.size) differs.push(`size ${lsize}, the central directory says ${x.size}`);
      for (const d of differs) bad(`says ${d}`);
      x.dataAt = dataAt;
      spans.push({ from: x.localAt, to: end, ent: x });
    }
    spans.sort((a, b) => a.from - b.from);
    let pos = 0;
    let last: ZipEntry | null = null;
    for (const s of spans) {
      if (s.from > pos) {
        this.structure(pos, pos === 0 ? 'before the first entry' : `after ${JSON.stringify(last!.name)}`, `${s.from - pos} bytes that belong to no entry`);
      } else if (s.from < pos) {
        this.structure(s.from, `entry ${JSON.stringify(s.ent.name)}`, `overlaps ${JSON.stringify(last!.name)}, which runs to byte ${pos - 1}`);
        this.entryProblem(s.ent, `overlaps ${JSON.stringify(last!.name)} in the zip`);
      }
      if (s.to > pos) [pos, last] = [s.to, s.ent];
    }
    if (pos > cdAt) this.structure(cdAt, 'central directory', `${JSON.stringify(last!.name)} runs into it, to byte ${pos - 1}`);
    else if (pos < cdAt) this.structure(pos, last ? `after ${JSON.stringify(last.name)}` : 'before the central directory', `${cdAt - pos} bytes that belong to no entry`);
  }

  #cd = new Map<ZipEntry, Buffer>();
  private centralHeader(x: ZipEntry): Buffer {
    return this.#cd.get(x)!;
  }

  /**
   * Streams an entry's data to `onChunk` (inflated if deflated), checking its size and CRC-32;
   * returns false and records why if it cannot be read in full or does not match.
   */
  async stream(x: ZipEntry, onChunk: (b: Buffer) => void): Promise<boolean> {
    if (x.dataAt === null || this.entryProblems.get(x.rel)?.some((p) => /encrypted|compression method/.test(p))) return false;
    const from = x.dataAt;
    const fh = this.fh;
    let crc = 0;
    let size = 0;
    let buffersInUse: Buffer[] | null = null;
    const out = (b: Buffer) => {
      crc = crc32(b, crc);
      size += b.length;
      onChunk(b);
    };
    try {
      if (x.method === 0) {
        // Two buffers: the next chunk is read while the current one is checked and hashed.
        const pair = spareBuffers.pop() ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
        buffersInUse = pair;
        let [cur, spare] = pair as [Buffer, Buffer];
        let pos = 0;
        const read = (b: Buffer) => fh.read(b, 0, Math.min(b.length, x.compressedSize - pos), from + pos);
        let got = x.compressedSize > 0 ? (await read(cur)).bytesRead : 0;
        while (got > 0) {
          pos += got;
          const next = pos < x.compressedSize ? read(spare) : null;
          out(cur.subarray(0, got));
          got = next ? (await next).bytesRead : 0;
          [cur, spare] = [spare, cur];
        }
        if (pos !== x.compressedSize) throw new Error(`the zip ends inside it (${pos} of ${x.compressedSize} bytes)`);
      } else {
        const inflate = zlib.createInflateRaw();
        async function* raw() {
          for (let pos = 0; pos < x.compressedSize; ) {
            const b = Buffer.allocUnsafe(Math.min(CHUNK, x.compressedSize - pos));
            const { bytesRead } = await fh.read(b, 0, b.length, from + pos);
            if (bytesRead === 0) throw new Error('the zip ends inside it');
            pos += bytesRead;
            yield b.subarray(0, bytesRead);
          }
        }
        await pipeline(raw, inflate, async (src: AsyncIterable<Buffer>) => {
          for await (const b of src) out(b);
        });
        if (inflate.bytesWritten !== x.compressedSize) {
          throw new Error(`its deflate stream ends after ${inflate.bytesWritten} of its ${x.compressedSize} bytes`);
        }
      }
    } catch (e) {
      this.entryProblem(x, `cannot be read from the zip: ${(e as Error).message}`);
      return false;
    } finally {
      if (buffersInUse) spareBuffers.push(buffersInUse);
    }
    let ok = true;
    if (size !== x.size) {
      this.entryProblem(x, `holds ${size} bytes in the zip, whose directory says ${x.size}`);
      ok = false;
    }
    if ((crc >>> 0) !== x.crc) {
      this.entryProblem(x, `its data's CRC-32 is ${hex8(crc >>> 0)}, the zip says ${hex8(x.crc)}`);
      ok = false;
    }
    return ok;
  }
}

class Broken extends Error {
  constructor(readonly offset: number, readonly part: string, message: string) {
    super(message);
  }
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function num64(b: Buffer, off: number, at: number): number {
  const v = b.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Broken(at + off, 'zip64 field', `the value ${v} is beyond any file this verifier can read`);
  return Number(v);
}

/** The extra fields by id, or null when they do not exactly fill their space (or repeat an id). */
function fields(b: Buffer): Map<number, Buffer> | null {
  const m = new Map<number, Buffer>();
  let p = 0;
  while (p + 4 <= b.length) {
    const id = b.readUInt16LE(p);
    const len = b.readUInt16LE(p + 2);
    if (p + 4 + len > b.length || m.has(id)) return null;
    m.set(id, b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return p === b.length ? m : null;
}

/** Why a name may not be extracted as it is, or null if it is a safe relative path. */
function unsafeName(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.includes('\\')) return `${JSON.stringify(name)} holds a backslash`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `${JSON.stringify(name)} is an absolute path`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return `${JSON.stringify(name)} holds a control character`;
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.some((s) => s === '..')) return `${JSON.stringify(name)} leaves its folder ("..")`;
  if (parts.some((s) => s === '' || s === '.')) return `${JSON.stringify(name)} has an empty or "." part`;
  return null;
}
