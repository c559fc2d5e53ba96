// The "untrunc" approach for MP4 files cut off before their index (moov): the media data (mdat) is
// still there as length-prefixed H.264/HEVC NAL units, but nothing says where frames start or how to
// decode them. The codec configuration (SPS/PPS/VPS) comes from a healthy file of the same camera;
// the NAL units are walked one by one — every length bounds-checked, every header validated — and
// written out as an Annex-B elementary stream that ffmpeg can read.
import { open, type FileHandle } from 'node:fs/promises';
import { childBoxes, findChild, listTopLevelBoxes, readWholeBox, type BoxInfo } from './iso-bmff.js';
import { abortReason } from './run-tool.js';
import { h264PpsIds, isParameterSet, isPictureStart, isPlausibleNalHeader, parseAvcC, parseHvcC, type CodecConfig, type NalCodec } from './nal-units.js';

const SAMPLE_ENTRIES: Record<string, { config: string; parse: (b: Buffer) => CodecConfig }> = {
  avc1: { config: 'avcC', parse: parseAvcC },
  avc3: { config: 'avcC', parse: parseAvcC },
  hvc1: { config: 'hvcC', parse: parseHvcC },
  hev1: { config: 'hvcC', parse: parseHvcC },
};

/** The H.264/HEVC configuration of the first video track of a healthy MP4/MOV. */
export async function readCodecConfig(path: string): Promise<CodecConfig> {
  const top = await listTopLevelBoxes(path);
  const moovInfo = top.boxes.find((b) => b.type === 'moov' && !b.truncated);
  if (!moovInfo) throw new Error('it has no complete moov box');
  const moov = await readWholeBox(path, moovInfo, 256 * 1024 * 1024);
  const root: BoxInfo = { ...moovInfo, offset: 0 };
  for (const trak of childBoxes(moov, root.headerSize, root.size).filter((b) => b.type === 'trak')) {
    const mdia = findChild(moov, trak, 'mdia');
    const minf = mdia && findChild(moov, mdia, 'minf');
    const stbl = minf && findChild(moov, minf, 'stbl');
    const stsd = stbl && findChild(moov, stbl, 'stsd');
    if (!stsd) continue;
    // stsd: version/flags (4) + entry count (4), then sample entries.
    for (const entry of childBoxes(moov, stsd.offset + stsd.headerSize + 8, stsd.offset + stsd.size)) {
      const kind = SAMPLE_ENTRIES[entry.type];
      if (!kind) continue;
      // VisualSampleEntry: 8 bytes SampleEntry + 70 bytes of picture fields before the child boxes.
      const cfg = findChild(moov, entry, kind.config, 78);
      if (!cfg) throw new Error(`its ${entry.type} sample entry has no ${kind.config} box`);
      return kind.parse(moov.subarray(cfg.offset + cfg.headerSize, cfg.offset + cfg.size));
    }
  }
  throw new Error('it has no H.264 or HEVC video track');
}

class WindowReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  constructor(private readonly fh: FileHandle, private readonly windowSize = 8 << 20) {}
  /** The bytes if they are already in the window (no await on the hot path of a resync scan). */
  peek(pos: number, n: number): Buffer | null {
    return pos >= this.start && pos + n <= this.start + this.buf.length ? this.buf.subarray(pos - this.start, pos - this.start + n) : null;
  }
  async bytes(pos: number, n: number): Promise<Buffer> {
    if (pos >= this.start && pos + n <= this.start + this.buf.length) return this.buf.subarray(pos - this.start, pos - this.start + n);
    const b = Buffer.alloc(Math.max(this.windowSize, n));
    const { bytesRead } = await this.fh.read(b, 0, b.length, pos);
    this.buf = b.subarray(0, bytesRead);
    this.start = pos;
    return this.buf.subarray(0, Math.min(n, bytesRead));
  }
}

export interface WalkOptions {
  signal?: AbortSignal | undefined;
  /** Largest NAL unit accepted. Default 32 MiB (far above any real frame slice). */
  maxNalBytes?: number;
  /** After an implausible length, look this far ahead for the next run of valid NAL units (audio chunks interleaved in mdat). Default 1 MiB; 0 = stop at the first implausible length. */
  resyncWindow?: number;
  /** H.264: the PPS ids of the configuration (tightens the picture-start check). */
  ppsIds?: Set<number>;
}

export interface WalkResult {
  nalUnits: number;
  /** Bytes of mdat turned into NAL units. */
  bytesUsed: number;
  /** Bytes skipped between runs of NAL units (interleaved audio or damage). */
  bytesSkipped: number;
  /** Why the walk ended. */
  stoppedBecause: string;
  parameterSetsInBand: number;
}

type Emit = (nal: Buffer) => Promise<void>;

/**
 * Walks `[start, end)` of a file as length-prefixed NAL units, calling `emit` with each one.
 * Stops at the end, at a unit cut off by the end of the file, or at an implausible length that no
 * resynchronisation (three consecutive valid units) within resyncWindow can get past.
 */
export async function walkLengthPrefixedNals(
  fh: FileHandle, start: number, end: number, codec: NalCodec, lengthSize: number, emit: Emit, opts: WalkOptions = {},
): Promise<WalkResult> {
  const maxNal = opts.maxNalBytes ?? 32 << 20;
  const window = opts.resyncWindow ?? 1 << 20;
  const reader = new WindowReader(fh);
  const res: WalkResult = { nalUnits: 0, bytesUsed: 0, bytesSkipped: 0, stoppedBecause: 'end of the media data', parameterSetsInBand: 0 };
  const L = lengthSize;

  // Once frames have been seen, a unit far larger than any so far is more likely noise than video.
  let seenMax = 0;
  const lengthLimit = (): number => (seenMax > 0 ? Math.min(maxNal, Math.max(256 << 10, 4 * seenMax)) : maxNal);

  /** Length of a plausible unit at q (its header within end), else -1. */
  const unitAt = async (q: number): Promise<number> => {
    if (q + L + 2 > end) return -1;
    const h = reader.peek(q, L + 2) ?? (await reader.bytes(q, L + 2));
    if (h.length < L + 2) return -1;
    const len = h.readUIntBE(0, L);
    if (len < 2 || len > lengthLimit()) return -1;
    if (!isPlausibleNalHeader(codec, h[L]!, h[L + 1]!)) return -1;
    return len;
  };
  /** Three consecutive plausible units (or fewer reaching the end exactly). */
  const chainAt = async (q: number): Promise<boolean> => {
    let p = q;
    for (let k = 0; k < 3; k++) {
      if (p === end && k > 0) return true;
      const len = await unitAt(p);
      if (len < 0 || p + L + len > end) return false;
      p += L + len;
    }
    return true;
  };
  /** A resynchronisation point: a run of units, or one unit that starts a picture. */
  const syncAt = async (q: number): Promise<boolean> => {
    const len = await unitAt(q);
    if (len < 0 || q + L + len > end) return false;
    if (await chainAt(q)) return true;
    const n = Math.min(len, 16);
    return isPictureStart(codec, reader.peek(q + L, n) ?? (await reader.bytes(q + L, n)), opts.ppsIds);
  };

  let pos = start;
  let steps = 0;
  while (pos < end) {
    if ((++steps & 1023) === 0 && opts.signal?.aborted) throw abortReason(opts.signal);
    if (pos + L + 2 > end) {
      res.stoppedBecause = `the media data ends inside a NAL unit header at offset ${pos}`;
      break;
    }
    const len = await unitAt(pos);
    if (len < 0) {
      let found = -1;
      const limit = Math.min(end - L - 2, pos + window);
      for (let q = pos + 1; q <= limit; q++) {
        if ((q & 0xffff) === 0 && opts.signal?.aborted) throw abortReason(opts.signal);
        if (await syncAt(q)) {
          found = q;
          break;
        }
      }
      if (found < 0) {
        res.stoppedBecause =
          window === 0
            ? `implausible NAL unit length or header at offset ${pos}`
            : limit < pos + window
              ? `no further video NAL units after offset ${pos} before the end of the data`
              : `implausible NAL unit length or header at offset ${pos}, and no video within ${window} bytes after it`;
        break;
      }
      res.bytesSkipped += found - pos;
      pos = found;
      continue;
    }
    if (pos + L + len > end) {
      res.stoppedBecause = `the last NAL unit (offset ${pos}, ${len} bytes) is cut off by the end of the file`;
      break;
    }
    const nal = await reader.bytes(pos + L, len);
    if (len > seenMax) seenMax = len;
    if (isParameterSet(codec, nal[0]!)) res.parameterSetsInBand++;
    await emit(nal);
    res.nalUnits++;
    res.bytesUsed += L + len;
    pos += L + len;
  }
  return res;
}

export interface AnnexBResult extends WalkResult {
  codec: NalCodec;
  /** The mdat ranges walked. */
  mdatBytes: number;
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/**
 * Writes the NAL units of a moov-less MP4's mdat to `outPath` as Annex-B, preceded by the
 * parameter sets of `config`. Without a config, the stream must carry its own parameter sets:
 * both codecs are tried with 4-byte lengths on the first units, and the one whose units are valid
 * and include SPS/PPS wins; otherwise this throws.
 */
export async function mdatToAnnexB(inputPath: string, outPath: string, config: CodecConfig | null, opts: WalkOptions = {}): Promise<AnnexBResult> {
  const top = await listTopLevelBoxes(inputPath);
  const mdats = top.boxes.filter((b) => b.type === 'mdat');
  if (mdats.length === 0) throw new Error('the file has no mdat box (no media data)');
  const ranges = mdats.map((b) => [b.offset + b.headerSize, Math.min(b.offset + b.size, top.fileSize)] as const).filter(([s, e]) => e > s);
  const fh = await open(inputPath, 'r');
  try {
    let cfg = config;
    if (!cfg) {
      const first = ranges[0]!;
      for (const codec of ['h264', 'hevc'] as const) {
        if (await hasInBandParameterSets(fh, first[0], first[1], codec)) {
          cfg = { codec, lengthSize: 4, parameterSets: [] };
          break;
        }
      }
      if (!cfg) throw new NeedReferenceError();
    }
    const out = await open(outPath, 'wx');
    try {
      let pending: Buffer[] = [];
      let pendingSize = 0;
      const flush = async (): Promise<void> => {
        if (pendingSize === 0) return;
        await out.write(Buffer.concat(pending, pendingSize));
        pending = [];
        pendingSize = 0;
      };
      const emit: Emit = async (nal) => {
        pending.push(START_CODE, Buffer.from(nal));
        pendingSize += 4 + nal.length;
        if (pendingSize >= 4 << 20) await flush();
      };
      for (const ps of cfg.parameterSets) await emit(ps);
      const total: AnnexBResult = { codec: cfg.codec, mdatBytes: 0, nalUnits: 0, bytesUsed: 0, bytesSkipped: 0, stoppedBecause: '', parameterSetsInBand: 0 };
      for (const [s, e] of ranges) {
        const ppsIds = cfg.codec === 'h264' ? h264PpsIds(cfg.parameterSets) : undefined;
        const r = await walkLengthPrefixedNals(fh, s, e, cfg.codec, cfg.lengthSize, emit, { ppsIds, ...opts });
        total.mdatBytes += e - s;
        total.nalUnits += r.nalUnits;
        total.bytesUsed += r.bytesUsed;
        total.bytesSkipped += r.bytesSkipped;
        total.parameterSetsInBand += r.parameterSetsInBand;
        total.stoppedBecause = r.stoppedBecause;
      }
      await flush();
      return total;
    } finally {
      await out.close();
    }
  } finally {
    await fh.close();
  }
}

class StopSniff extends Error {}

/** No codec configuration: neither a reference file nor parameter sets inside the stream. */
export class NeedReferenceError extends Error {
  override name = 'NeedReferenceError';
  constructor() {
    super('the media data carries no codec parameter sets (SPS/PPS) of its own');
  }
}

/** Whether the first units, read as `codec` with 4-byte lengths, are valid and include SPS and PPS. */
async function hasInBandParameterSets(fh: FileHandle, start: number, end: number, codec: NalCodec): Promise<boolean> {
  const types = new Set<number>();
  let n = 0;
  await walkLengthPrefixedNals(fh, start, Math.min(end, start + (16 << 20)), codec, 4, async (nal) => {
    if (isParameterSet(codec, nal[0]!)) types.add(codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f);
    if (++n >= 256) throw new StopSniff();
  }, { resyncWindow: 1 << 20 }).catch((e: unknown) => {
    if (!(e instanceof StopSniff)) throw e;
  });
  return codec === 'h264' ? types.has(7) && types.has(8) : types.has(32) && types.has(33) && types.has(34);
}
