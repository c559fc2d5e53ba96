// H.264/HEVC NAL unit syntax needed to rebuild streams from hostile bytes: decoder configuration
// records (avcC/hvcC), NAL header rules, and the first fields of a slice header.

export type NalCodec = 'h264' | 'hevc';

export interface CodecConfig {
  codec: NalCodec;
  /** Bytes of each NAL unit's length prefix (1, 2 or 4). */
  lengthSize: number;
  /** SPS/PPS (and VPS for HEVC), in decoding order. */
  parameterSets: Buffer[];
}

function readArrays(b: Buffer, at: number, count: number, sets: Buffer[]): number {
  let pos = at;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > b.length) throw new Error('parameter set length runs past the box');
    const len = b.readUInt16BE(pos);
    pos += 2;
    if (len === 0 || pos + len > b.length) throw new Error('parameter set runs past the box');
    sets.push(Buffer.from(b.subarray(pos, pos + len)));
    pos += len;
  }
  return pos;
}

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1). */
export function parseAvcC(b: Buffer): CodecConfig {
  if (b.length < 7 || b[0] !== 1) throw new Error('not an avcC record (version 1)');
  const lengthSize = (b[4]! & 0x03) + 1;
  if (lengthSize === 3) throw new Error('avcC declares 3-byte NAL lengths, which the standard forbids');
  const sets: Buffer[] = [];
  let pos = readArrays(b, 6, b[5]! & 0x1f, sets);
  if (pos >= b.length) throw new Error('avcC has no PPS count');
  pos = readArrays(b, pos + 1, b[pos]!, sets);
  if (!sets.some((s) => (s[0]! & 0x1f) === 7) || !sets.some((s) => (s[0]! & 0x1f) === 8)) throw new Error('avcC lacks an SPS or a PPS');
  return { codec: 'h264', lengthSize, parameterSets: sets };
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1). */
export function parseHvcC(b: Buffer): CodecConfig {
  if (b.length < 23 || b[0] !== 1) throw new Error('not an hvcC record (version 1)');
  const lengthSize = (b[21]! & 0x03) + 1;
  if (lengthSize === 3) throw new Error('hvcC declares 3-byte NAL lengths, which the standard forbids');
  const sets: Buffer[] = [];
  let pos = 23;
  for (let i = 0; i < b[22]!; i++) {
    if (pos + 3 > b.length) throw new Error('hvcC array runs past the box');
    pos = readArrays(b, pos + 3, b.readUInt16BE(pos + 1), sets);
  }
  const types = sets.map((s) => (s[0]! >> 1) & 0x3f);
  if (!types.includes(32) || !types.includes(33) || !types.includes(34)) throw new Error('hvcC lacks a VPS, SPS or PPS');
  return { codec: 'hevc', lengthSize, parameterSets: sets };
}

/** Whether two bytes can begin a NAL unit of this codec (forbidden bit, type, and rule checks). */
export function isPlausibleNalHeader(codec: NalCodec, b0: number, b1: number): boolean {
  if (b0 & 0x80) return false;
  if (codec === 'h264') {
    const type = b0 & 0x1f;
    const ref = (b0 >> 5) & 3;
    if (type === 0 || (type >= 16 && type <= 18) || type >= 21) return false;
    if ((type === 5 || type === 7 || type === 8) && ref === 0) return false;
    if ((type === 6 || (type >= 9 && type <= 12)) && ref !== 0) return false;
    return true;
  }
  const type = (b0 >> 1) & 0x3f;
  const layer = ((b0 & 1) << 5) | (b1 >> 3);
  const tid = b1 & 7;
  if (tid === 0 || layer !== 0) return false;
  return type <= 9 || (type >= 16 && type <= 21) || (type >= 32 && type <= 40);
}

export function isParameterSet(codec: NalCodec, b0: number): boolean {
  if (codec === 'h264') return (b0 & 0x1f) === 7 || (b0 & 0x1f) === 8;
  const t = (b0 >> 1) & 0x3f;
  return t >= 32 && t <= 34;
}

/** Reads unsigned Exp-Golomb codes from a few bytes (slice header starts; no emulation bytes expected). */
function readUe(b: Buffer, bitPos: { at: number }): number | null {
  let zeros = 0;
  const bit = (): number | null => {
    const byte = b[bitPos.at >> 3];
    if (byte === undefined) return null;
    const v = (byte >> (7 - (bitPos.at & 7))) & 1;
    bitPos.at++;
    return v;
  };
  for (;;) {
    const v = bit();
    if (v === null || zeros > 16) return null;
    if (v === 1) break;
    zeros++;
  }
  let value = 0;
  for (let i = 0; i < zeros; i++) {
    const v = bit();
    if (v === null) return null;
    value = value * 2 + v;
  }
  return (1 << zeros) - 1 + value;
}

/** PPS ids an H.264 configuration defines (pic_parameter_set_id is the first field of a PPS). */
export function h264PpsIds(sets: Buffer[]): Set<number> {
  const ids = new Set<number>();
  for (const s of sets) {
    if ((s[0]! & 0x1f) !== 8) continue;
    const id = readUe(s.subarray(1, 8), { at: 0 });
    if (id !== null) ids.add(id);
  }
  return ids;
}

/**
 * Whether the first bytes of a NAL unit are the first slice of a picture: the strongest sign, short
 * of a run of valid units, that a resynchronisation landed on video rather than on audio bytes.
 */
export function isPictureStart(codec: NalCodec, nal: Buffer, ppsIds?: Set<number>): boolean {
  if (nal.length < 4 || !isPlausibleNalHeader(codec, nal[0]!, nal[1]!)) return false;
  if (codec === 'hevc') {
    const type = (nal[0]! >> 1) & 0x3f;
    if (!(type <= 9 || (type >= 16 && type <= 21))) return false;
    return (nal[2]! & 0x80) !== 0; // first_slice_segment_in_pic_flag
  }
  const type = nal[0]! & 0x1f;
  if (type !== 1 && type !== 5) return false;
  const pos = { at: 0 };
  const body = nal.subarray(1, 9);
  const firstMb = readUe(body, pos);
  const sliceType = readUe(body, pos);
  const pps = readUe(body, pos);
  if (firstMb !== 0 || sliceType === null || sliceType > 9 || pps === null) return false;
  if (type === 5 && sliceType % 5 !== 2 && sliceType % 5 !== 4) return false; // IDR: I or SI slices only
  return ppsIds && ppsIds.size > 0 ? ppsIds.has(pps) : pps < 256;
}
