// Reading ISO base media (MP4/MOV) box structure from hostile bytes: every size is bounds-checked.
import { open } from 'node:fs/promises';

export interface BoxInfo {
  type: string;
  /** Offset of the box header in the file (or buffer). */
  offset: number;
  /** Header length: 8, or 16 with a 64-bit size. */
  headerSize: number;
  /** Declared total size; for size 0 ("to the end") the bytes up to the end. */
  size: number;
  /** The declared size runs past the end of the file. */
  truncated: boolean;
}

export interface TopLevelBoxes {
  boxes: BoxInfo[];
  fileSize: number;
  /** Why the walk stopped before the end of the file, if it did. */
  problem?: string;
}

/** Box types seen at the top level of real MP4/MOV/3GP files. */
export const TOP_LEVEL_TYPES: ReadonlySet<string> = new Set([
  'ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp', 'sidx', 'moof', 'mfra', 'uuid', 'meta', 'pdin', 'prft', 'emsg', 'ssix', 'junk', 'PICT',
]);

function isBoxType(b: Buffer, at: number): boolean {
  for (let i = 0; i < 4; i++) {
    const c = b[at + i];
    if (c === undefined || c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Reads a box header at `at` of `b` (which holds bytes from file offset `base`). */
export function readBoxHeader(b: Buffer, at: number, limit: number, base = 0): BoxInfo | { error: string } {
  if (at + 8 > b.length) return { error: `box header at offset ${base + at} is cut off` };
  const size32 = b.readUInt32BE(at);
  if (!isBoxType(b, at + 4)) return { error: `no valid box type at offset ${base + at}` };
  const type = b.toString('latin1', at + 4, at + 8);
  let size: number;
  let headerSize = 8;
  if (size32 === 1) {
    if (at + 16 > b.length) return { error: `64-bit box size at offset ${base + at} is cut off` };
    const big = b.readBigUInt64BE(at + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `box '${type}' at offset ${base + at} declares an impossible size` };
    size = Number(big);
    headerSize = 16;
  } else if (size32 === 0) {
    size = limit - (base + at);
  } else {
    size = size32;
  }
  if (size < headerSize) return { error: `box '${type}' at offset ${base + at} declares ${size} bytes, less than its header` };
  return { type, offset: base + at, headerSize, size, truncated: base + at + size > limit };
}

/**
 * Walks the top-level boxes of a file, reading only their headers. Stops at the first box that
 * runs past the end of the file (it is the last one) or at bytes that are not a box header.
 */
export async function listTopLevelBoxes(path: string, maxBoxes = 100_000): Promise<TopLevelBoxes> {
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const boxes: BoxInfo[] = [];
    const hdr = Buffer.alloc(16);
    let pos = 0;
    while (pos < fileSize) {
      if (boxes.length >= maxBoxes) return { boxes, fileSize, problem: `more than ${maxBoxes} top-level boxes` };
      const n = Math.min(16, fileSize - pos);
      const { bytesRead } = await fh.read(hdr, 0, n, pos);
      const h = readBoxHeader(hdr.subarray(0, bytesRead), 0, fileSize, pos);
      if ('error' in h) return { boxes, fileSize, problem: h.error };
      boxes.push(h);
      if (h.truncated) break;
      pos += h.size;
    }
    return { boxes, fileSize };
  } finally {
    await fh.close();
  }
}

/** The child boxes inside `b[start, end)`; stops quietly at the first malformed one. */
export function childBoxes(b: Buffer, start: number, end: number): BoxInfo[] {
  const out: BoxInfo[] = [];
  let pos = start;
  const limit = Math.min(end, b.length);
  while (pos + 8 <= limit) {
    const h = readBoxHeader(b, pos, limit);
    if ('error' in h || h.truncated) break;
    out.push(h);
    pos += h.size;
  }
  return out;
}

/** Follows a path of box types (e.g. moov/trak/mdia) inside a buffer holding a whole box. */
export function findChild(b: Buffer, parent: BoxInfo, type: string, skip = 0): BoxInfo | undefined {
  return childBoxes(b, parent.offset + parent.headerSize + skip, parent.offset + parent.size).find((c) => c.type === type);
}

/** Reads one top-level box completely (refusing boxes larger than maxBytes). */
export async function readWholeBox(path: string, box: BoxInfo, maxBytes: number): Promise<Buffer> {
  if (box.truncated) throw new Error(`box '${box.type}' is cut off`);
  if (box.size > maxBytes) throw new Error(`box '${box.type}' is ${box.size} bytes, more than the ${maxBytes} allowed`);
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(box.size);
    const { bytesRead } = await fh.read(b, 0, box.size, box.offset);
    if (bytesRead !== box.size) throw new Error(`box '${box.type}' could not be read completely`);
    return b;
  } finally {
    await fh.close();
  }
}
