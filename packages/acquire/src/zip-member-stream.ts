// Streams one zip member's content and proves it: the byte count and CRC-32 recorded in the
// central directory are checked at the end, and an error names the member and what is wrong.
// Member data is read through its own file handle, so a member can be opened after the listing
// has moved on (or finished), and large stored videos are read in large slices.
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';

export type ZipMemberErrorStatus = 'truncated' | 'corrupt' | 'unreadable' | 'encrypted' | 'unsupported';

export class ZipMemberError extends Error {
  constructor(
    message: string,
    /** Display name of the member. */
    readonly member: string,
    readonly status: ZipMemberErrorStatus,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ZipMemberError';
  }
}

export interface MemberLocation {
  archivePath: string;
  name: string;
  localHeaderOffset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** 0 (stored) or 8 (deflate); others never reach this module. */
  method: number;
}

const LOCAL_HEADER_SIG = 0x04034b50;
const READ_SLICE = 1024 * 1024;
const INFLATE_CHUNK = 256 * 1024;

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export async function openMemberStream(loc: MemberLocation): Promise<AsyncIterable<Buffer>> {
  const q = `'${loc.name}'`;
  const fh = await open(loc.archivePath, 'r');
  let handedOver = false;
  try {
    const fileSize = (await fh.stat()).size;
    const header = Buffer.alloc(30);
    const { bytesRead } = await fh.read(header, 0, 30, loc.localHeaderOffset);
    if (bytesRead < 30) {
      throw new ZipMemberError(`member ${q} is truncated: its local header at offset ${loc.localHeaderOffset} is cut off by the end of the archive (${fileSize} bytes)`, loc.name, 'truncated');
    }
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIG) {
      throw new ZipMemberError(`member ${q} is corrupt: no local file header at offset ${loc.localHeaderOffset} (found 0x${hex8(header.readUInt32LE(0))})`, loc.name, 'corrupt');
    }
    const dataStart = loc.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const dataEnd = dataStart + loc.compressedSize;
    if (dataEnd > fileSize) {
      throw new ZipMemberError(
        `member ${q} is truncated: its data would end at byte ${dataEnd} but the archive is only ${fileSize} bytes`,
        loc.name,
        'truncated',
      );
    }
    let source: Readable | undefined;
    if (loc.compressedSize > 0) {
      const raw = fh.createReadStream({ start: dataStart, end: dataEnd - 1, highWaterMark: READ_SLICE });
      handedOver = true; // the stream closes the handle when it ends or is destroyed
      if (loc.method === 8) {
        const inflate = createInflateRaw({ chunkSize: INFLATE_CHUNK });
        pipeline(raw, inflate, () => {}); // errors surface through the iteration of `inflate`
        source = inflate;
      } else {
        source = raw;
      }
    }
    return verified(source, loc);
  } finally {
    if (!handedOver) await fh.close();
  }
}

async function* verified(source: Readable | undefined, loc: MemberLocation): AsyncGenerator<Buffer> {
  const q = `'${loc.name}'`;
  let got = 0;
  let crc = 0;
  if (source) {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        got += chunk.length;
        if (got > loc.size) {
          // Also the zip-bomb backstop: output is never allowed past the declared size.
          throw new ZipMemberError(`member ${q} is corrupt: it holds more than its declared ${loc.size} bytes (at least ${got}); reading stopped`, loc.name, 'corrupt');
        }
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      source.destroy();
      throw wrapSourceError(err, loc, got);
    }
  }
  if (got < loc.size) {
    throw new ZipMemberError(`member ${q} is truncated: expected ${loc.size} bytes, got ${got}`, loc.name, 'truncated');
  }
  if (crc >>> 0 !== loc.crc32 >>> 0) {
    throw new ZipMemberError(`CRC-32 mismatch in member ${q}: expected ${hex8(loc.crc32)}, got ${hex8(crc)}`, loc.name, 'corrupt');
  }
}

function wrapSourceError(err: unknown, loc: MemberLocation, got: number): Error {
  if (err instanceof ZipMemberError) return err;
  const q = `'${loc.name}'`;
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/.test(message)) {
    return new ZipMemberError(`member ${q} is truncated: expected ${loc.size} bytes, got ${got} (compressed data ends early)`, loc.name, 'truncated', { cause: err });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new ZipMemberError(`member ${q} is corrupt: invalid compressed data after ${got} bytes (${message})`, loc.name, 'corrupt', { cause: err });
  }
  return new ZipMemberError(`member ${q} could not be read from ${loc.archivePath}: ${message}`, loc.name, 'unreadable', { cause: err });
}
