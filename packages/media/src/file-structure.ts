// What a file's own bytes say about it, independent of ffprobe: its family (MP4, Matroska, RIFF…)
// and whether its structure declares more bytes than are present (a cut-off copy).
import { open } from 'node:fs/promises';
import { listTopLevelBoxes, readBoxHeader, TOP_LEVEL_TYPES } from './iso-bmff.js';

export type FileFamily =
  | 'empty'
  | 'iso-bmff'
  | 'matroska'
  | 'riff'
  | 'mpeg-ts'
  | 'mpeg-ps'
  | 'annex-b'
  | 'jpeg'
  | 'png'
  | 'text'
  | 'unknown';

export interface FileStructure {
  family: FileFamily;
  size: number;
  /** Set when the structure declares more bytes than the file holds, or lacks a required part. */
  truncatedHint?: string;
  /** ISO BMFF only: the file has media data (mdat) but no index (moov). */
  mdatWithoutMoov?: boolean;
}

const HEAD_BYTES = 64 * 1024;

function fmtBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function familyOf(head: Buffer, size: number): FileFamily {
  if (size === 0) return 'empty';
  const h = readBoxHeader(head, 0, size);
  if (!('error' in h) && TOP_LEVEL_TYPES.has(h.type)) return 'iso-bmff';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF') return 'riff';
  if (head.length >= 377 && head[0] === 0x47 && head[188] === 0x47 && head[376] === 0x47) return 'mpeg-ts';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x000001ba) return 'mpeg-ps';
  if (head.length >= 4 && (head.readUInt32BE(0) === 1 || (head[0] === 0 && head[1] === 0 && head[2] === 1))) return 'annex-b';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.toString('latin1', 1, 4) === 'PNG') return 'png';
  const sample = head.subarray(0, Math.min(head.length, 4096));
  let printable = 0;
  for (const c of sample) if (c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0x7f) || c >= 0x80) printable++;
  if (sample.length > 0 && printable / sample.length > 0.97 && !sample.includes(0)) return 'text';
  return 'unknown';
}

/** EBML variable-length integer at `at`: its value (null for "unknown size") and length. */
function ebmlVint(b: Buffer, at: number, isId: boolean): { value: number | null; length: number } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8 || at + length > b.length) return null;
  let value = isId ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    const c = b[at + i]!;
    value = value * 256 + c;
    if (c !== 0xff) allOnes = false;
  }
  return { value: !isId && allOnes ? null : value, length };
}

function matroskaHint(head: Buffer, size: number): string | undefined {
  // EBML header element, then the Segment (0x18538067).
  const id = ebmlVint(head, 0, true);
  if (!id) return undefined;
  const len = ebmlVint(head, id.length, false);
  if (!len || len.value === null) return undefined;
  const segAt = id.length + len.length + len.value;
  const segId = ebmlVint(head, segAt, true);
  if (!segId || segId.value !== 0x18538067) return undefined;
  const segLen = ebmlVint(head, segAt + segId.length, false);
  if (!segLen || segLen.value === null) return undefined; // unknown size: live recording, nothing declared
  const end = segAt + segId.length + segLen.length + segLen.value;
  if (end > size) {
    return `the Matroska segment declares ${fmtBytes(end)} but the file holds ${fmtBytes(size)} (${Math.round((100 * size) / end)}%): the copy or recording was cut off`;
  }
  return undefined;
}

function riffHint(head: Buffer, size: number): string | undefined {
  const declared = head.readUInt32LE(4) + 8;
  if (declared > size) {
    return `the RIFF/${head.toString('latin1', 8, 12).trim()} header declares ${fmtBytes(declared)} but the file holds ${fmtBytes(size)} (${Math.round((100 * size) / declared)}%): the copy or recording was cut off`;
  }
  return undefined;
}

/** Reads the head of a file (and, for MP4, its top-level box headers) and describes its structure. */
export async function inspectFileStructure(path: string): Promise<FileStructure> {
  const fh = await open(path, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const b = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    head = b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const family = familyOf(head, size);
  if (family === 'matroska') {
    const hint = matroskaHint(head, size);
    return hint ? { family, size, truncatedHint: hint } : { family, size };
  }
  if (family === 'riff') {
    const hint = riffHint(head, size);
    return hint ? { family, size, truncatedHint: hint } : { family, size };
  }
  if (family !== 'iso-bmff') return { family, size };

  const top = await listTopLevelBoxes(path);
  const hasMoov = top.boxes.some((b) => b.type === 'moov' && !b.truncated);
  const mdats = top.boxes.filter((b) => b.type === 'mdat');
  const cut = top.boxes.find((b) => b.truncated);
  const parts: string[] = [];
  if (cut) {
    parts.push(
      `the '${cut.type}' box at offset ${cut.offset} declares ${fmtBytes(cut.size)} but only ${fmtBytes(size - cut.offset)} are present (${Math.round((100 * (size - cut.offset)) / cut.size)}%)`,
    );
  }
  const mdatWithoutMoov = mdats.length > 0 && !hasMoov && !top.boxes.some((b) => b.type === 'moof');
  if (mdatWithoutMoov) parts.push('there is media data (mdat) but no index (moov): the recording was cut off before its index was written');
  if (top.problem && !cut && !hasMoov) parts.push(`the box structure breaks off: ${top.problem}`);
  const out: FileStructure = { family, size };
  if (parts.length > 0) out.truncatedHint = parts.join('; ');
  if (mdatWithoutMoov) out.mdatWithoutMoov = true;
  return out;
}
