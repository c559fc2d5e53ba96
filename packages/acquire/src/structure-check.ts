// Cheap integrity checks that catch the common failure of evidence copied off a DVR: a file cut
// off part-way. Each check reads a few headers at most; sizes come from hostile bytes, so they
// only ever move a read position, never size an allocation.
import { open, type FileHandle } from 'node:fs/promises';

export interface StructureReport {
  status: 'ok' | 'truncated' | 'corrupt';
  reason?: string;
}

const ISO_BMFF_TIMED = new Set(['mp4', 'mov', '3gp', '3g2', 'm4a']);
const ISO_BMFF_STILL = new Set(['heic', 'avif']);
const ZIP_FAMILY = new Set(['zip', 'docx', 'xlsx', 'pptx', 'ooxml', 'odt', 'ods', 'odp', 'odg', 'epub']);
const RIFF_FORMATS = new Set(['avi', 'wav', 'webp']);

// A fragmented MP4 of a day's recording has ~10^5 top-level boxes; beyond this the walk stops
// rather than let a file of 8-byte boxes turn a cheap check into hours of reads.
const MAX_TOP_LEVEL_BOXES = 1_000_000;

export async function checkStructure(filePath: string, format: string): Promise<StructureReport> {
  const timed = ISO_BMFF_TIMED.has(format);
  if (!timed && !ISO_BMFF_STILL.has(format) && !ZIP_FAMILY.has(format) && !RIFF_FORMATS.has(format)) {
    return { status: 'ok' };
  }
  const fh = await open(filePath, 'r');
  try {
    const size = (await fh.stat()).size;
    if (ZIP_FAMILY.has(format)) return await checkZipEnd(fh, size);
    if (RIFF_FORMATS.has(format)) return await checkRiff(fh, size);
    return await checkIsoBmff(fh, size, timed);
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

function boxTypeName(b: Buffer): string | undefined {
  for (const c of b) if (c < 0x20 || c > 0x7e) return undefined;
  return b.toString('latin1');
}

async function checkIsoBmff(fh: FileHandle, size: number, needsMoov: boolean): Promise<StructureReport> {
  let offset = 0;
  let sawMoov = false;
  let boxes = 0;
  const noMoov = "no 'moov' box (index missing; the recording may be salvageable)";
  while (offset < size) {
    if (++boxes > MAX_TOP_LEVEL_BOXES) {
      return { status: 'ok', reason: `structure check stopped after ${MAX_TOP_LEVEL_BOXES} top-level boxes at offset ${offset}` };
    }
    const remaining = size - offset;
    if (remaining < 8) {
      return { status: 'truncated', reason: `only ${remaining} bytes remain at offset ${offset}, too few for a box header` };
    }
    const hdr = await readAt(fh, offset, Math.min(16, remaining));
    if (hdr.length < 8) return { status: 'truncated', reason: `file ended while reading the box header at offset ${offset}` };
    if (hdr.subarray(0, 8).every((b) => b === 0)) {
      // Copy tools often preallocate the target and die before filling it.
      return { status: 'truncated', reason: `zero bytes instead of a box header at offset ${offset} (unwritten space: the copy may have been cut off)` };
    }
    const size32 = hdr.readUInt32BE(0);
    const type = boxTypeName(hdr.subarray(4, 8));
    if (type === undefined) {
      return { status: 'corrupt', reason: `box at offset ${offset} has an invalid type 0x${hdr.subarray(4, 8).toString('hex')}` };
    }
    let boxSize: number;
    if (size32 === 1) {
      if (hdr.length < 16) {
        return { status: 'truncated', reason: `box '${type}' at offset ${offset} has a 64-bit size that the end of the file cuts off` };
      }
      const large = hdr.readBigUInt64BE(8);
      if (large < 16n) return { status: 'corrupt', reason: `box size ${large} at offset ${offset} is smaller than its header` };
      if (large > BigInt(remaining)) return truncatedBox(type, offset, large, size, sawMoov || !needsMoov);
      boxSize = Number(large);
    } else if (size32 === 0) {
      boxSize = remaining; // "extends to the end of the file"
    } else if (size32 < 8) {
      return { status: 'corrupt', reason: `box size ${size32} at offset ${offset} is smaller than its header` };
    } else {
      if (size32 > remaining) return truncatedBox(type, offset, BigInt(size32), size, sawMoov || !needsMoov);
      boxSize = size32;
    }
    if (type === 'moov') sawMoov = true;
    offset += boxSize;
  }
  if (needsMoov && !sawMoov) return { status: 'truncated', reason: noMoov };
  return { status: 'ok' };
}

function truncatedBox(type: string, offset: number, declared: bigint, size: number, sawMoov: boolean): StructureReport {
  const moov = sawMoov ? '' : "; no 'moov' box before it (index missing; the recording may be salvageable)";
  return {
    status: 'truncated',
    reason: `box '${type}' at offset ${offset} declares ${declared} bytes but the file ends after ${size}${moov}`,
  };
}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;

async function checkZipEnd(fh: FileHandle, size: number): Promise<StructureReport> {
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await readAt(fh, size - tailLen, tailLen);
  const tailStart = size - tail.length;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    // The comment length must reach exactly to the end, else this is a stray signature.
    if (i + 22 + tail.readUInt16LE(i + 20) !== tail.length) continue;
    const eocdAt = tailStart + i;
    const cdSize = tail.readUInt32LE(i + 12);
    const cdOffset = tail.readUInt32LE(i + 16);
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      if (i < 20 || tail.readUInt32LE(i - 20) !== EOCD64_LOCATOR_SIG) {
        return { status: 'corrupt', reason: `zip64 end of central directory locator missing before the end record at offset ${eocdAt}` };
      }
      const eocd64At = Number(tail.readBigUInt64LE(i - 20 + 8));
      if (eocd64At + 56 > size) {
        return { status: 'truncated', reason: `zip64 end of central directory record at offset ${eocd64At} lies beyond the end of the file (${size} bytes)` };
      }
      return { status: 'ok' };
    }
    if (cdOffset + cdSize > eocdAt) {
      return {
        status: 'corrupt',
        reason: `central directory (offset ${cdOffset}, ${cdSize} bytes) overlaps the end of central directory record at offset ${eocdAt}`,
      };
    }
    return { status: 'ok' };
  }
  return { status: 'truncated', reason: 'no end of central directory record (archive cut off?)' };
}

async function checkRiff(fh: FileHandle, size: number): Promise<StructureReport> {
  const hdr = await readAt(fh, 0, 12);
  if (hdr.length < 12 || hdr.toString('latin1', 0, 4) !== 'RIFF') return { status: 'ok' };
  const declared = hdr.readUInt32LE(4);
  // 0 and ~4 GiB are what streaming writers leave while a recording is still open: uninformative.
  if (declared === 0 || declared >= 0xfffffff0) return { status: 'ok' };
  if (8 + declared > size) {
    return { status: 'truncated', reason: `RIFF header declares ${8 + declared} bytes but the file ends after ${size}` };
  }
  return { status: 'ok' };
}
