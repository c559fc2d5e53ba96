// Formats without a fixed magic number at offset 0: transport streams, program streams and
// elementary streams. DVR exports and raw captures are often cut at an arbitrary byte, so these
// checks look for the stream's own periodic structure rather than for a file header.
import type { Bytes } from './sniff-bytes.js';
import type { Match } from './sniff-containers.js';

/**
 * MPEG-TS: a 0x47 sync byte every 188 bytes (192 for M2TS/AVCHD, which prefix a 4-byte timecode).
 * Accepts a stream that starts mid-packet when enough consecutive packets line up.
 */
export function sniffTransportStream(h: Bytes, ext: string): Match | undefined {
  for (const [stride, prefix, format] of [[188, 0, 'mpeg-ts'], [192, 4, 'm2ts']] as const) {
    const fitting = Math.floor((h.length - prefix) / stride);
    // Short files cannot show many packets; then all that fit must agree, and the name must too.
    if (fitting >= 1 && fitting < 4 && h.at(prefix) === 0x47) {
      let ok = true;
      for (let k = 0; k < fitting; k++) if (h.at(prefix + k * stride) !== 0x47) ok = false;
      const tsExt = ['ts', 'mts', 'm2ts', 'm2t', 'tsv', 'trp'].includes(ext);
      // Text starting with 'G' can repeat it at 188 by chance; TS packets always carry NULs or
      // stuffing, and text never contains NUL.
      if (ok && (tsExt || (fitting >= 2 && h.b.includes(0)))) return { kind: 'video', format };
    }
    if (fitting < 4) continue;
    for (let start = 0; start < stride; start++) {
      const need = start === 0 ? 4 : 6;
      let count = 0;
      for (let p = start + prefix; p < h.length && count < need; p += stride) {
        if (h.at(p) !== 0x47) break;
        count++;
      }
      if (count >= need) return { kind: 'video', format };
    }
  }
  return undefined;
}

/** Length of the MPEG pack header at i (MPEG-2 or MPEG-1), or 0 if the bytes are not one. */
function packHeaderLength(h: Bytes, i: number): number {
  if (!h.startsWith(i, [0, 0, 1, 0xba])) return 0;
  const b4 = h.at(i + 4);
  if ((b4 & 0xc4) === 0x44) {
    const stuffing = h.at(i + 13);
    return stuffing < 0 ? 0 : 14 + (stuffing & 7);
  }
  if ((b4 & 0xf1) === 0x21) return 12;
  return 0;
}

export function sniffProgramStream(h: Bytes): Match | undefined {
  if (packHeaderLength(h, 0) > 0) return { kind: 'video', format: 'mpeg-ps' };
  if (h.startsWith(0, [0, 0, 1, 0xb3])) return { kind: 'video', format: 'mpeg-video' };
  // A capture cut mid-stream: a valid pack header followed directly by another start code.
  for (let i = h.b.indexOf(PACK, 1); i >= 0 && i + 20 < h.length; i = h.b.indexOf(PACK, i + 1)) {
    const len = packHeaderLength(h, i);
    if (len > 0 && h.startsWith(i + len, [0, 0, 1]) && h.at(i + len + 3) >= 0xb9) {
      return { kind: 'video', format: 'mpeg-ps' };
    }
  }
  return undefined;
}
const PACK = Buffer.from([0, 0, 1, 0xba]);

interface NalStats {
  firstAt: number;
  /** Types of the first NAL unit under each codec's header rules (-1: not valid for that codec). */
  count: number;
  avc: Set<number>;
  hevc: Set<number>;
  firstAvc: number;
  firstHevc: number;
}

function scanNals(h: Bytes): NalStats {
  const s: NalStats = { firstAt: -1, count: 0, avc: new Set(), hevc: new Set(), firstAvc: -1, firstHevc: -1 };
  const b = h.b;
  for (let i = b.indexOf(START, 0); i >= 0 && i + 4 < b.length; i = b.indexOf(START, i + 3)) {
    const n0 = h.at(i + 3);
    const n1 = h.at(i + 4);
    if (n0 & 0x80) continue; // forbidden_zero_bit
    const first = s.firstAt < 0;
    if (first) s.firstAt = i;
    s.count++;
    const avcType = n0 & 0x1f;
    s.avc.add(avcType);
    if (first) s.firstAvc = avcType;
    // HEVC: 6-bit type, nuh_layer_id (almost always 0) and a non-zero temporal id plus one.
    if ((n0 & 1) === 0 && (n1 & 0xf8) === 0 && (n1 & 7) !== 0) {
      const hevcType = (n0 >> 1) & 0x3f;
      s.hevc.add(hevcType);
      if (first) s.firstHevc = hevcType;
    }
  }
  return s;
}
const START = Buffer.from([0, 0, 1]);

const AVC_EXT = new Set(['h264', '264', 'avc', 'h26l', 'jsv', 'jvt']);
const HEVC_EXT = new Set(['h265', '265', 'hevc', 'hvc']);

/** Raw H.264 / HEVC Annex-B elementary streams, as DVRs dump them. */
export function sniffAnnexB(h: Bytes, ext: string): Match | undefined {
  const s = scanNals(h);
  if (s.count < 2) return undefined;
  const hevcParams = s.hevc.has(32) && s.hevc.has(33) && s.hevc.has(34);
  const avcParams = s.avc.has(7) && s.avc.has(8);
  const atStart = s.firstAt >= 0 && s.firstAt <= 1 && (s.firstAt === 0 || h.at(0) === 0);
  if (hevcParams && (atStart || s.count >= 3)) return { kind: 'video', format: 'hevc' };
  if (avcParams && (atStart || s.count >= 3)) return { kind: 'video', format: 'h264' };
  if (atStart) {
    // Streams normally open with an access unit delimiter or a parameter set. HEVC VPS/AUD headers
    // (40 01, 46 01) and H.264 AUD/SPS headers (09, 67) have no valid meaning in the other codec.
    if ([32, 35].includes(s.firstHevc) || ([33, 39].includes(s.firstHevc) && HEVC_EXT.has(ext))) {
      return { kind: 'video', format: 'hevc' };
    }
    if ([7, 9].includes(s.firstAvc) || (s.firstAvc === 6 && AVC_EXT.has(ext))) return { kind: 'video', format: 'h264' };
  }
  if (HEVC_EXT.has(ext) && s.hevc.size > 0) return { kind: 'video', format: 'hevc' };
  if (AVC_EXT.has(ext)) return { kind: 'video', format: 'h264' };
  return undefined;
}

const BITRATES: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** Length of the MPEG audio frame whose header is at i, or 0 if it is not a valid header. */
function mpegAudioFrameLength(h: Bytes, i: number): number {
  const b1 = h.at(i + 1);
  const b2 = h.at(i + 2);
  if (h.at(i) !== 0xff || (b1 & 0xe0) !== 0xe0 || b2 < 0) return 0;
  const version = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const brIndex = b2 >> 4;
  const srIndex = (b2 >> 2) & 3;
  if (version === 1 || layerBits === 0 || brIndex === 0 || brIndex === 15 || srIndex === 3) return 0;
  const layer = 4 - layerBits;
  const table = BITRATES[`${version === 3 ? 1 : 2}-${version !== 3 && layer === 3 ? 2 : layer}`];
  const bitrate = (table?.[brIndex] ?? 0) * 1000;
  const rate = SAMPLE_RATES[version]?.[srIndex] ?? 0;
  if (!bitrate || !rate) return 0;
  const pad = (b2 >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * bitrate) / rate) + pad) * 4;
  const factor = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((factor * bitrate) / rate) + pad;
}

export function sniffMpegAudio(h: Bytes, ext: string): Match | undefined {
  let start = 0;
  if (h.ascii(0, 3) === 'ID3') {
    // Syncsafe tag size; whatever follows the tag decides between MP3, AAC and FLAC.
    const size = ((h.at(6) & 0x7f) << 21) | ((h.at(7) & 0x7f) << 14) | ((h.at(8) & 0x7f) << 7) | (h.at(9) & 0x7f);
    start = 10 + size + (h.at(5) & 0x10 ? 10 : 0);
    if (start + 4 > h.length) return { kind: 'audio', format: ext === 'aac' ? 'aac' : 'mp3' };
    if (h.ascii(start, 4) === 'fLaC') return { kind: 'audio', format: 'flac' };
  }
  const b1 = h.at(start + 1);
  if (h.at(start) === 0xff && (b1 & 0xf6) === 0xf0) {
    // ADTS (AAC): the 13-bit frame length must land on the next sync word when it is in view.
    const len = ((h.at(start + 3) & 3) << 11) | (h.at(start + 4) << 3) | (h.at(start + 5) >> 5);
    const next = start + len;
    if (len > 7 && (next + 2 > h.length ? start > 0 || ext === 'aac' : h.at(next) === 0xff && (h.at(next + 1) & 0xf6) === 0xf0)) {
      return { kind: 'audio', format: 'aac' };
    }
    return undefined;
  }
  const len = mpegAudioFrameLength(h, start);
  if (len === 0) return start > 0 ? { kind: 'audio', format: 'mp3' } : undefined;
  if (start > 0) return { kind: 'audio', format: 'mp3' };
  if (start + len + 4 <= h.length) {
    return mpegAudioFrameLength(h, start + len) > 0 ? { kind: 'audio', format: 'mp3' } : undefined;
  }
  return ext === 'mp3' ? { kind: 'audio', format: 'mp3' } : undefined;
}
