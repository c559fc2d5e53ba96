// Lists a zip archive that is already stored (never the original medium) and offers each member's
// content as a verified stream. Members are never extracted to disk by name, so hostile names
// are harmless here; they are still flagged, because a person reading the inventory should know.
import { open as openFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { decodeName, type NameEncoding } from './name-decoding.js';
import { openMemberStream, ZipMemberError } from './zip-member-stream.js';

export { ZipMemberError, type ZipMemberErrorStatus } from './zip-member-stream.js';

export interface ZipMember {
  type: 'member';
  /** Position in the central directory, from 0. */
  index: number;
  rawName: Buffer;
  /** Display form of the name (see decodeName). */
  name: string;
  nameEncoding: NameEncoding;
  lossy: boolean;
  isDirectory: boolean;
  /** Declared uncompressed size. */
  size: number;
  compressedSize: number;
  compression: 'stored' | 'deflate' | string;
  /**
   * DOS date/time from the central directory as 'YYYY-MM-DDTHH:MM:SS', exactly as stored, with
   * no time zone: DOS times are the archiving machine's local wall-clock time, and which zone
   * that was is unknown. The fields are not validated (a month of 00 is shown as 00).
   */
  mtime: string;
  /** From an Info-ZIP extended timestamp field (0x5455) when present: UTC, ISO 8601. */
  mtimeUtc?: string;
  crc32: number;
  encrypted: boolean;
  /**
   * Streams the content; the stream throws ZipMemberError on truncation or CRC mismatch. Rejects
   * at once (ZipMemberError) for members reported as encrypted, unsupported or overlapping. Uses
   * its own file handle: may be called after the listing has finished.
   */
  open(): Promise<AsyncIterable<Buffer>>;
}

export type ZipProblemStatus = 'truncated' | 'corrupt' | 'unsupported' | 'encrypted' | 'unsafe-name';

export interface ZipProblem {
  type: 'problem';
  /** Central directory position of the member concerned, when there is one. */
  index?: number;
  rawName?: Buffer;
  name?: string;
  status: ZipProblemStatus;
  reason: string;
}

export interface ReadZipOptions {
  /** Entries listed at most; the rest are reported as one problem. Default 200000. */
  maxEntries?: number;
  /** Compressed members declaring more bytes than this are not decompressed. Default 100 GiB. */
  maxMemberSize?: number;
  /** Compression ratio above which large members are not decompressed. Default 1000. */
  maxCompressionRatio?: number;
  /** Members at or below this size are exempt from the ratio limit. Default 100 MB. */
  ratioLimitAbove?: number;
}

const COMPRESSION: Record<number, string> = {
  0: 'stored', 1: 'shrink', 6: 'implode', 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma',
  93: 'zstd', 95: 'xz', 96: 'jpeg', 97: 'wavpack', 98: 'ppmd', 99: 'aes',
};

export function isZipArchive(format: string): boolean {
  return format === 'zip';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function dosTime(date: number, time: number): string {
  const y = (date >> 9) + 1980;
  return `${y}-${pad((date >> 5) & 0xf)}-${pad(date & 0x1f)}T${pad(time >> 11)}:${pad((time >> 5) & 0x3f)}:${pad((time & 0x1f) * 2)}`;
}

function extendedMtime(entry: Entry): string | undefined {
  const ut = entry.extraFields.find((f) => f.id === 0x5455);
  if (!ut || ut.data.length < 5 || !((ut.data[0] ?? 0) & 1)) return undefined;
  const d = new Date(ut.data.readInt32LE(1) * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace('.000Z', 'Z');
}

function unsafeReason(raw: Buffer): string | undefined {
  if (raw.includes(0)) return 'contains a NUL byte';
  const s = raw.toString('latin1');
  if (s.startsWith('/') || s.startsWith('\\')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(s)) return 'starts with a drive letter';
  if (s.split(/[/\\]/).includes('..')) return "contains a parent directory reference '..'";
  return undefined;
}

function openYauzl(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, decodeStrings: false, autoClose: false, strictFileNames: false, validateEntrySizes: true },
      (err, zf) => (err ? reject(err) : resolve(zf)),
    );
  });
}

function nextEntry(zf: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zf.removeListener('entry', onEntry);
      zf.removeListener('end', onEnd);
      zf.removeListener('error', onError);
    };
    const onEntry = (e: Entry) => (done(), resolve(e));
    const onEnd = () => (done(), resolve(null));
    const onError = (err: Error) => (done(), reject(err));
    zf.on('entry', onEntry);
    zf.on('end', onEnd);
    zf.on('error', onError);
    zf.readEntry();
  });
}

async function openFailure(path: string, err: Error): Promise<ZipProblem> {
  const msg = err.message;
  let size = -1;
  let startsLikeZip = false;
  const fh = await openFile(path, 'r');
  try {
    size = (await fh.stat()).size;
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    startsLikeZip = head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await fh.close();
  }
  if (/End of central directory record signature not found/i.test(msg)) {
    const base = 'not a readable zip archive: end of central directory record signature not found';
    if (size === 0) return { type: 'problem', status: 'corrupt', reason: `${base} (the file is empty)` };
    if (startsLikeZip) {
      return { type: 'problem', status: 'truncated', reason: `${base} (the file starts like a zip archive, so it was probably cut off)` };
    }
    return { type: 'problem', status: 'corrupt', reason: base };
  }
  if (/multi-disk/i.test(msg)) {
    return { type: 'problem', status: 'unsupported', reason: `not a readable zip archive: split (multi-disk) archives are not supported (${msg})` };
  }
  if (/unexpected EOF/i.test(msg)) {
    return { type: 'problem', status: 'truncated', reason: 'not a readable zip archive: its end records point past the end of the file (unexpected EOF)' };
  }
  return { type: 'problem', status: 'corrupt', reason: `not a readable zip archive: ${msg}` };
}

function listingStatus(msg: string): ZipProblemStatus {
  if (/strong encryption/i.test(msg)) return 'encrypted';
  if (/unexpected EOF/i.test(msg)) return 'truncated';
  return 'corrupt';
}

/**
 * Lists the archive at archivePath, yielding each member and a problem for everything that is
 * wrong or cannot be read. Errors opening the path itself (ENOENT, EACCES, EIO) are thrown: they
 * concern the caller's storage, not the archive.
 */
export async function* readZip(archivePath: string, opts: ReadZipOptions = {}): AsyncGenerator<ZipMember | ZipProblem> {
  const maxEntries = opts.maxEntries ?? 200_000;
  const maxMemberSize = opts.maxMemberSize ?? 100 * 1024 ** 3;
  const maxRatio = opts.maxCompressionRatio ?? 1000;
  const ratioAbove = opts.ratioLimitAbove ?? 100_000_000;

  let zf: ZipFile;
  try {
    zf = await openYauzl(archivePath);
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code === 'string') throw err;
    yield await openFailure(archivePath, err as Error);
    return;
  }
  // yauzl reports fd-close failures as 'error' events after listing; without a listener they
  // would crash the process.
  zf.on('error', () => {});
  const total = zf.entryCount;
  const localHeaders = new Map<number, string>();
  let previous: { start: number; end: number; name: string } | undefined;
  try {
    for (let index = 0; ; index++) {
      if (index >= maxEntries) {
        if (total > index) {
          yield { type: 'problem', status: 'unsupported', reason: `archive declares ${total} entries; only the first ${maxEntries} were listed (maxEntries)` };
        }
        return;
      }
      let entry: Entry | null;
      try {
        entry = await nextEntry(zf);
      } catch (err) {
        const msg = (err as Error).message;
        yield {
          type: 'problem',
          index,
          status: listingStatus(msg),
          reason: `central directory entry ${index + 1} of ${total} is unreadable (${msg}); entries ${index + 1} to ${total} were not listed`,
        };
        return;
      }
      if (!entry) return;

      const rawName = Buffer.from(entry.fileNameRaw);
      const flags = entry.generalPurposeBitFlag;
      const unicodeExtra = entry.extraFields.find((f) => f.id === 0x7075)?.data;
      const decoded = decodeName(rawName, { utf8Flag: (flags & 0x800) !== 0, ...(unicodeExtra ? { unicodeExtra } : {}) });
      const q = `'${decoded.display}'`;
      const about = { index, rawName, name: decoded.display };
      const method = entry.compressionMethod;
      const methodName = COMPRESSION[method] ?? `method-${method}`;

      // The displayed name may come from the Unicode Path field rather than the raw bytes.
      const unsafe = unsafeReason(rawName) ?? unsafeReason(Buffer.from(decoded.display, 'utf8'));
      if (unsafe) {
        yield { type: 'problem', ...about, status: 'unsafe-name', reason: `member name ${q} ${unsafe}; it is kept as raw bytes and never used as a path` };
      }

      // Every listed entry is yielded as a member, so the inventory is complete; entries whose
      // content must not or cannot be read are preceded by a problem, and their open() rejects.
      let refusal: { status: 'corrupt' | 'encrypted' | 'unsupported'; reason: string } | undefined;

      // Members sharing or overlapping each other's data are how non-recursive zip bombs reach
      // huge output from a small file; no archiver writes them.
      const start = entry.relativeOffsetOfLocalHeader;
      const sameStart = localHeaders.get(start);
      const size = entry.uncompressedSize;
      const packed = entry.compressedSize;
      if (sameStart !== undefined || (previous && start >= previous.start && start < previous.end)) {
        const other = sameStart ?? previous?.name;
        refusal = { status: 'corrupt', reason: `member ${q} overlaps the data of member '${other}' (local header at offset ${start}); not read (possible zip bomb)` };
      } else if ((flags & 0x1) !== 0 || method === 99) {
        const kind = method === 99 ? 'WinZip AES' : 'traditional PKWARE';
        refusal = { status: 'encrypted', reason: `member ${q} is encrypted (${kind}); its ${size} bytes cannot be read without the password` };
      } else if (method !== 0 && method !== 8) {
        refusal = { status: 'unsupported', reason: `member ${q} uses compression method ${method} (${methodName}), which is not supported; its ${size} bytes were not extracted` };
      } else if (method !== 0 && size > maxMemberSize) {
        refusal = { status: 'unsupported', reason: `member ${q} declares ${size} bytes, more than the limit of ${maxMemberSize}; not decompressed` };
      } else if (method !== 0 && size > ratioAbove && (packed === 0 || size / packed > maxRatio)) {
        const ratio = packed === 0 ? 'unbounded' : `${Math.round(size / packed)}:1`;
        refusal = {
          status: 'unsupported',
          reason: `member ${q} declares ${size} bytes from ${packed} compressed (ratio ${ratio}), above the ${maxRatio}:1 limit for members over ${ratioAbove} bytes; not decompressed (possible zip bomb)`,
        };
      }
      if (sameStart === undefined) localHeaders.set(start, decoded.display);
      if (!previous || start >= previous.end) previous = { start, end: start + 30 + packed, name: decoded.display };
      if (refusal) yield { type: 'problem', ...about, ...refusal };

      const location = {
        archivePath, name: decoded.display, localHeaderOffset: start, compressedSize: entry.compressedSize,
        size: entry.uncompressedSize, crc32: entry.crc32, method,
      };
      const member: ZipMember = {
        type: 'member', index, rawName, name: decoded.display, nameEncoding: decoded.encoding, lossy: decoded.lossy,
        isDirectory: rawName.length > 0 && (rawName[rawName.length - 1] === 0x2f || rawName[rawName.length - 1] === 0x5c),
        size: entry.uncompressedSize, compressedSize: entry.compressedSize, compression: methodName,
        mtime: dosTime(entry.lastModFileDate, entry.lastModFileTime), crc32: entry.crc32 >>> 0,
        encrypted: (flags & 0x1) !== 0 || method === 99,
        open: refusal
          ? ((r) => () => Promise.reject(new ZipMemberError(r.reason, decoded.display, r.status)))(refusal)
          : () => openMemberStream(location),
      };
      const utc = extendedMtime(entry);
      if (utc) member.mtimeUtc = utc;
      yield member;
    }
  } finally {
    zf.close();
  }
}
