import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const CHUNK = 8 * 1024 * 1024;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

/**
 * Where zip64 records start: sizes and offsets at or above `bytes`, entry counts at or above
 * `entries`. The defaults are the format's own limits; tests lower them to force every zip64
 * record on small files (a real zip64 archive needs more than 4 GiB or 65,535 entries).
 */
export interface Zip64Limits {
  bytes: number;
  entries: number;
}
const FORMAT_LIMITS: Zip64Limits = { bytes: MAX32, entries: MAX16 };

/**
 * Writes every file under `dir` into a zip with stored (uncompressed) entries under `prefix/`:
 * video does not compress, and stored entries can be checked and extracted by any tool.
 * Zip64 records are written where sizes or offsets need them (packages reach many GB).
 * The zip is written beside its destination and renamed into place when complete.
 */
export async function writeStoredZip(
  dir: string,
  dest: string,
  prefix: string,
  onProgress?: (done: number, total: number, bytes: number) => void,
  limits: Zip64Limits = FORMAT_LIMITS,
): Promise<void> {
  const wide = (n: number) => n >= limits.bytes || n >= MAX32;
  const files = await listRel(dir);
  const tmp = `${dest}.partial-${process.pid}`;
  const out = await open(tmp, 'wx');
  try {
    let pos = 0;
    const write = async (b: Buffer) => {
      await out.write(b, 0, b.length, pos);
      pos += b.length;
    };
    const central: Buffer[] = [];
    let [cur, spare] = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let bytes = 0;
    for (const [n, rel] of files.entries()) {
      const path = join(dir, ...rel.split('/'));
      const size = (await stat(path)).size;
      const name = Buffer.from(`${prefix}/${rel}`, 'utf8');
      const offset = pos;
      const big = wide(size);
      const localExtra = big ? extra(0x0001, u64(size), u64(size)) : Buffer.alloc(0);
      const header = Buffer.concat([
        u32(0x04034b50), u16(big ? 45 : 20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(0),
        u32(big ? MAX32 : size), u32(big ? MAX32 : size), u16(name.length), u16(localExtra.length), name, localExtra,
      ]);
      await write(header);
      let crc = 0;
      const inp = await open(path, 'r');
      try {
        // The next chunk is read while the current one is written and, meanwhile, CRC'd.
        let got = (await inp.read(cur, 0, CHUNK, null)).bytesRead;
        while (got > 0) {
          const next = inp.read(spare, 0, CHUNK, null);
          const chunk = cur.subarray(0, got);
          const written = write(chunk);
          crc = crc32(chunk, crc);
          await written;
          got = (await next).bytesRead;
          [cur, spare] = [spare, cur];
        }
      } finally {
        await inp.close();
      }
      await out.write(u32(crc), 0, 4, offset + 14); // the CRC is known only once the data is written
      bytes += size;
      const farOffset = wide(offset);
      const z64 = Buffer.concat([...(big ? [u64(size), u64(size)] : []), ...(farOffset ? [u64(offset)] : [])]);
      const cdExtra = z64.length ? extra(0x0001, z64) : Buffer.alloc(0);
      central.push(
        Buffer.concat([
          u32(0x02014b50), u16((3 << 8) | 45), u16(z64.length ? 45 : 20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(crc),
          u32(big ? MAX32 : size), u32(big ? MAX32 : size), u16(name.length), u16(cdExtra.length), u16(0), u16(0), u16(0),
          u32((0o100644 << 16) >>> 0), u32(farOffset ? MAX32 : offset), name, cdExtra,
        ]),
      );
      onProgress?.(n + 1, files.length, bytes);
    }
    const cdStart = pos;
    for (const c of central) await write(c);
    const cdSize = pos - cdStart;
    const manyEntries = files.length >= limits.entries || files.length >= MAX16;
    const needs64 = manyEntries || wide(cdStart) || wide(cdSize);
    if (needs64) {
      const eocd64At = pos;
      await write(Buffer.concat([
        u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(files.length), u64(files.length), u64(cdSize), u64(cdStart),
      ]));
      await write(Buffer.concat([u32(0x07064b50), u32(0), u64(eocd64At), u32(1)]));
    }
    // The classic end record: any value too large for it is 0xFFFF… and readers take it from the zip64 one.
    const count = manyEntries ? MAX16 : files.length;
    await write(Buffer.concat([
      u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(wide(cdSize) ? MAX32 : cdSize), u32(wide(cdStart) ? MAX32 : cdStart), u16(0),
    ]));
    await out.sync();
    await out.close();
    await rename(tmp, dest);
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

async function listRel(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listRel(dir, rel)));
    else if (d.isFile()) out.push(rel);
  }
  return out.sort();
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function extra(id: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u16(id), u16(body.length), body]);
}
