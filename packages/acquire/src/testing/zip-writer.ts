// A deliberately permissive zip writer for tests: it writes whatever it is told, including the
// malformed, lying and hostile archives the reader must survive. Not for producing real archives.
import { crc32, deflateRawSync } from 'node:zlib';

export interface DosTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ZipEntrySpec {
  /** A string is written as UTF-8; a Buffer is written byte for byte (e.g. cp866 names). */
  name: string | Buffer;
  data?: Buffer;
  /** 'stored' (default), 'deflate', or a raw method number whose data is written as given. */
  method?: 'stored' | 'deflate' | number;
  /** General purpose bit 11. Default: set when `name` is a string with non-ASCII characters. */
  utf8Flag?: boolean;
  /** Adds an Info-ZIP Unicode Path extra field (0x7075); `crc` overrides the raw-name CRC. */
  unicodePath?: { name: string; crc?: number; version?: number };
  /** Sets general purpose bit 0 and prefixes the data with a 12-byte (fake) encryption header. */
  encrypted?: boolean;
  /** Writes 0xFFFFFFFF sizes/offset with a zip64 extended information extra field. */
  zip64?: boolean;
  /** Override the declared values (both headers) to lie about the content. */
  size?: number;
  compressedSize?: number;
  crc?: number;
  dosTime?: DosTime;
  /** Unix mtime for an extended timestamp extra field (0x5455). */
  unixMtime?: number;
  unixMode?: number;
  /** Central-directory-only entry that points at the local header of entry number `n`. */
  sharesDataWith?: number;
}

export interface ZipOptions {
  /** Write a zip64 end of central directory record and locator even when not needed. */
  zip64Eocd?: boolean;
  comment?: Buffer;
  /** Override the entry count written in the end records. */
  declaredEntryCount?: number;
}

const DEFAULT_TIME: DosTime = { year: 2023, month: 6, day: 1, hour: 14, minute: 30, second: 58 };

function dosDate(t: DosTime): number {
  return ((t.year - 1980) << 9) | (t.month << 5) | t.day;
}
function dosTimeOf(t: DosTime): number {
  return (t.hour << 11) | (t.minute << 5) | (t.second >> 1);
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
function extra(id: number, data: Buffer): Buffer {
  return Buffer.concat([u16(id), u16(data.length), data]);
}

interface Written {
  rawName: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  extras: Buffer;
  zip64: boolean;
  unixMode: number | undefined;
}

export function buildZip(entries: ZipEntrySpec[], opts: ZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    const rawName = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method === 'deflate' ? 8 : e.method === 'stored' || e.method === undefined ? 0 : e.method;
    let payload = method === 8 && e.method === 'deflate' ? deflateRawSync(data) : data;
    if (e.encrypted) payload = Buffer.concat([Buffer.alloc(12, 0x5a), payload]);
    const nonAscii = typeof e.name === 'string' && /[^\x00-\x7f]/.test(e.name);
    const flags = ((e.utf8Flag ?? nonAscii) ? 0x800 : 0) | (e.encrypted ? 1 : 0);
    const t = e.dosTime ?? DEFAULT_TIME;
    const w: Written = {
      rawName,
      flags,
      method,
      time: dosTimeOf(t),
      date: dosDate(t),
      crc: e.crc ?? crc32(data),
      compressedSize: e.compressedSize ?? payload.length,
      size: e.size ?? data.length,
      offset,
      extras: Buffer.alloc(0),
      zip64: !!e.zip64,
      unixMode: e.unixMode,
    };
    const extras: Buffer[] = [];
    if (e.unicodePath) {
      const n = Buffer.from(e.unicodePath.name, 'utf8');
      extras.push(extra(0x7075, Buffer.concat([Buffer.from([e.unicodePath.version ?? 1]), u32(e.unicodePath.crc ?? crc32(rawName)), n])));
    }
    if (e.unixMtime !== undefined) extras.push(extra(0x5455, Buffer.concat([Buffer.from([1]), u32(e.unixMtime)])));
    w.extras = Buffer.concat(extras);

    if (e.sharesDataWith !== undefined) {
      const target = written[e.sharesDataWith];
      if (!target) throw new Error('sharesDataWith must name an earlier entry');
      written.push({ ...w, offset: target.offset, compressedSize: target.compressedSize, size: target.size, crc: target.crc, method: target.method });
      continue;
    }
    const localExtra = w.zip64 ? Buffer.concat([extra(0x0001, Buffer.concat([u64(w.size), u64(w.compressedSize)])), w.extras]) : w.extras;
    const local = Buffer.concat([
      u32(0x04034b50), u16(w.zip64 ? 45 : 20), u16(flags), u16(method), u16(w.time), u16(w.date), u32(w.crc),
      u32(w.zip64 ? 0xffffffff : w.compressedSize), u32(w.zip64 ? 0xffffffff : w.size),
      u16(rawName.length), u16(localExtra.length), rawName, localExtra,
    ]);
    parts.push(local, payload);
    offset += local.length + payload.length;
    written.push(w);
  }

  const cdStart = offset;
  for (const w of written) {
    const z64 = w.zip64 ? extra(0x0001, Buffer.concat([u64(w.size), u64(w.compressedSize), u64(w.offset)])) : Buffer.alloc(0);
    const extras = Buffer.concat([z64, w.extras]);
    const madeBy = w.unixMode !== undefined ? (3 << 8) | 45 : 45;
    const external = w.unixMode !== undefined ? (w.unixMode << 16) >>> 0 : 0;
    const central = Buffer.concat([
      u32(0x02014b50), u16(madeBy), u16(w.zip64 ? 45 : 20), u16(w.flags), u16(w.method), u16(w.time), u16(w.date),
      u32(w.crc), u32(w.zip64 ? 0xffffffff : w.compressedSize), u32(w.zip64 ? 0xffffffff : w.size),
      u16(w.rawName.length), u16(extras.length), u16(0), u16(0), u16(0), u32(external),
      u32(w.zip64 ? 0xffffffff : w.offset), w.rawName, extras,
    ]);
    parts.push(central);
    offset += central.length;
  }
  const cdSize = offset - cdStart;
  const count = opts.declaredEntryCount ?? written.length;
  const comment = opts.comment ?? Buffer.alloc(0);
  if (opts.zip64Eocd) {
    const eocd64At = offset;
    parts.push(
      u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(count), u64(count), u64(cdSize), u64(cdStart),
      u32(0x07064b50), u32(0), u64(eocd64At), u32(1),
      u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(comment.length), comment,
    );
  } else {
    parts.push(u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(cdSize), u32(cdStart), u16(comment.length), comment);
  }
  return Buffer.concat(parts);
}
