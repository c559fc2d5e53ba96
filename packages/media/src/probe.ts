// probe(): what a file is, how long it plays, whether it decodes — or precisely why not.
import { stat } from 'node:fs/promises';
import { countStream, decodeFirstFrame } from './decode-check.js';
import { inspectFileStructure, type FileStructure } from './file-structure.js';
import { fileUrl, safeInputOptions, type MediaTools } from './media-tools.js';
import { IMAGE_FORMATS, type MediaProbe, type VideoInfo } from './media-types.js';
import { classifyOpenFailure, fsFailure, noStreamsFailure, undecodableFailure, type FsProblem } from './probe-failure.js';
import { ffprobeFramesSchema, ffprobeOutputSchema, parseNumber, parseRate, type FfprobeOutput, type FfprobeStream } from './probe-schema.js';
import { lastLines, runTool } from './run-tool.js';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** When the container states no duration (or the file is cut off), read the stream to measure it. Default true. */
  decodeDuration?: boolean;
  /** Per child process; defaults: 60 s for ffprobe, 120 s for the decode check, size-scaled for counting. */
  timeoutMs?: number;
}

const MAX_FFPROBE_JSON = 32 * 1024 * 1024;

function emptyProbe(): MediaProbe {
  return {
    status: 'failed',
    container: null,
    formatLongName: null,
    durationSec: null,
    durationSource: 'none',
    bitRate: null,
    video: null,
    audio: null,
    streams: [],
    tags: { raw: {} },
    image: null,
  };
}

function pickTag(tags: Record<string, string>, keys: string[]): string | undefined {
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  for (const k of keys) {
    const v = lower.get(k.toLowerCase());
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
}

function deviceFrom(tags: Record<string, string>): string | undefined {
  const make = pickTag(tags, ['com.apple.quicktime.make', 'make', 'manufacturer', 'com.android.manufacturer']);
  const model = pickTag(tags, ['com.apple.quicktime.model', 'model', 'com.android.model', 'device', 'camera', 'device_name']);
  if (make && model) return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  return model ?? make;
}

function rotationOf(s: FfprobeStream): number | undefined {
  let ccw: number | undefined;
  for (const sd of s.side_data_list ?? []) if (typeof sd.rotation === 'number') ccw = sd.rotation;
  if (ccw === undefined && s.tags?.['rotate'] !== undefined) ccw = -Number(s.tags['rotate']);
  if (ccw === undefined || !Number.isFinite(ccw)) return undefined;
  // ffprobe's display-matrix angle is counter-clockwise; report the clockwise turn, 0…359.
  const cw = Math.round((((-ccw % 360) + 360) % 360) / 90) * 90;
  return cw === 0 || cw === 360 ? undefined : cw;
}

function videoInfo(s: FfprobeStream): VideoInfo {
  const v: VideoInfo = {
    codec: s.codec_name ?? 'unknown',
    width: s.width && s.width > 0 ? s.width : 0,
    height: s.height && s.height > 0 ? s.height : 0,
    fps: parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate),
    pixFmt: s.pix_fmt ?? null,
  };
  if (s.profile) v.profile = s.profile;
  const frames = s.nb_frames !== undefined ? Number.parseInt(s.nb_frames, 10) : NaN;
  if (Number.isFinite(frames) && frames > 0) v.frames = frames;
  const rot = rotationOf(s);
  if (rot !== undefined) v.rotation = rot;
  const sar = s.sample_aspect_ratio;
  if (sar && /^\d+:\d+$/.test(sar) && sar !== '1:1' && !sar.startsWith('0:')) v.sampleAspectRatio = sar;
  if (s.has_b_frames !== undefined && s.has_b_frames > 0) v.hasBFrames = true;
  if (s.field_order && ['tt', 'bb', 'tb', 'bt'].includes(s.field_order)) v.interlaced = true;
  return v;
}

async function readExif(tools: MediaTools, path: string, opts: ProbeOptions): Promise<Record<string, string> | undefined> {
  const args = ['-hide_banner', '-v', 'error', ...safeInputOptions(), '-pattern_type', 'none', '-read_intervals', '%+#1',
    '-show_frames', '-show_entries', 'frame_tags', '-of', 'json', '-i', fileUrl(path)];
  const r = await runTool(tools.ffprobe, args, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 60_000, maxStdoutBytes: 4 << 20 });
  if (r.code !== 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
  const parsed = ffprobeFramesSchema.safeParse(json);
  const tags = parsed.success ? parsed.data.frames?.[0]?.tags : undefined;
  return tags && Object.keys(tags).length > 0 ? tags : undefined;
}

/** Inspects a file with ffprobe (and ffmpeg where the container is silent). Never throws for bad input. */
export async function probe(tools: MediaTools, filePath: string, opts: ProbeOptions = {}): Promise<MediaProbe> {
  const out = emptyProbe();
  let structure: FileStructure;
  try {
    const st = await stat(filePath);
    if (st.isDirectory()) return { ...out, failure: fsFailure({ code: 'EISDIR', message: '' }, '') };
    if (!st.isFile()) {
      // Never hand a FIFO or device to ffprobe: it would block or read forever.
      return { ...out, failure: fsFailure({ code: 'ENOTREG', message: 'it is not a regular file (a device, FIFO or socket)' }, '') };
    }
    structure = await inspectFileStructure(filePath);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const problem: FsProblem = { code: e.code ?? 'EIO', message: e.message };
    return { ...out, failure: fsFailure(problem, '') };
  }
  if (structure.truncatedHint) out.truncatedHint = structure.truncatedHint;

  const args = ['-hide_banner', '-v', 'error', ...safeInputOptions(), '-pattern_type', 'none',
    '-show_format', '-show_streams', '-of', 'json', '-i', fileUrl(filePath)];
  const r = await runTool(tools.ffprobe, args, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 60_000, maxStdoutBytes: MAX_FFPROBE_JSON });
  const tool = lastLines(r.stderrTail);
  let parsed: FfprobeOutput | null = null;
  if (r.code === 0) {
    try {
      const res = ffprobeOutputSchema.safeParse(JSON.parse(r.stdout));
      if (res.success) parsed = res.data;
    } catch {
      parsed = null;
    }
  }
  if (!parsed || !parsed.format) {
    out.failure = r.code === 0
      ? { kind: 'unknown-format', message: 'ffprobe ran but its output could not be understood.', tool }
      : classifyOpenFailure(structure, r.stderrTail, tool);
    return out;
  }

  const fmt = parsed.format;
  const streams = parsed.streams ?? [];
  out.container = fmt.format_name ?? null;
  out.formatLongName = fmt.format_long_name ?? null;
  out.bitRate = parseNumber(fmt.bit_rate);
  out.streams = streams.map((s) => ({ index: s.index, type: s.codec_type ?? 'unknown', codec: s.codec_name ?? 'unknown' }));

  const raw: Record<string, string> = { ...fmt.tags };
  for (const s of streams.slice(0, 16)) for (const [k, v] of Object.entries(s.tags ?? {})) raw[`stream.${s.index}.${k}`] = v;
  out.tags.raw = raw;
  const creationTime = pickTag(fmt.tags, ['creation_time', 'com.apple.quicktime.creationdate', 'date', 'date_recorded']);
  if (creationTime) out.tags.creationTime = creationTime;
  const device = deviceFrom(fmt.tags);
  if (device) out.tags.device = device;
  const encoder = pickTag(fmt.tags, ['encoder', 'encoded_by', 'software', 'com.apple.quicktime.software']);
  if (encoder) out.tags.encoder = encoder;

  const vStream = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const aStream = streams.find((s) => s.codec_type === 'audio');
  if (aStream) {
    out.audio = {
      codec: aStream.codec_name ?? 'unknown',
      channels: aStream.channels ?? 0,
      sampleRate: parseNumber(aStream.sample_rate) ?? 0,
    };
  }

  const demuxer = out.container?.split(',')[0] ?? '';
  if (vStream && IMAGE_FORMATS.has(demuxer)) {
    out.image = { width: vStream.width ?? 0, height: vStream.height ?? 0 };
    const exif = await readExif(tools, filePath, opts);
    if (exif) {
      out.image.exif = exif;
      out.tags.creationTime ??= pickTag(exif, ['DateTimeOriginal', 'DateTime']);
      out.tags.device ??= deviceFrom(exif);
      out.tags.encoder ??= pickTag(exif, ['Software']);
      if (out.tags.creationTime === undefined) delete out.tags.creationTime;
      if (out.tags.device === undefined) delete out.tags.device;
      if (out.tags.encoder === undefined) delete out.tags.encoder;
    }
    out.status = 'ok';
    return out;
  }

  if (!vStream && !aStream) {
    out.failure = noStreamsFailure(streams.map((s) => s.codec_type ?? 'unknown'), tool);
    return out;
  }
  if (vStream) out.video = videoInfo(vStream);

  const containerDuration = parseNumber(fmt.duration) ?? parseNumber(vStream?.duration) ?? parseNumber(aStream?.duration);
  if (containerDuration !== null && containerDuration > 0) {
    out.durationSec = containerDuration;
    out.durationSource = 'container';
  }

  if (out.video) {
    const check = await decodeFirstFrame(tools, filePath, out.container, out.video.fps, { signal: opts.signal, timeoutMs: opts.timeoutMs });
    if (check.frames === 0) {
      out.failure = undecodableFailure(out.video.codec, out.container, check.tool);
      return out;
    }
  }

  const needCount = out.durationSec === null || out.truncatedHint !== undefined;
  if (needCount && opts.decodeDuration !== false) {
    const size = structure.size;
    const timeoutMs = opts.timeoutMs ?? 60_000 + Math.ceil(size / (20 * 1024 * 1024)) * 1000;
    const kind = out.video ? 'v' : 'a';
    const count = await countStream(tools, filePath, out.container, out.video?.fps ?? null, kind, { signal: opts.signal, timeoutMs });
    if (count.durationSec !== null && count.durationSec > 0) {
      if (out.durationSec !== null && out.truncatedHint !== undefined && count.durationSec < out.durationSec * 0.98) {
        out.truncatedHint += `; the container states ${out.durationSec.toFixed(2)} s, ${count.durationSec.toFixed(2)} s are present`;
      }
      if (out.durationSec === null || count.durationSec < out.durationSec * 0.98) {
        out.durationSec = count.durationSec;
        out.durationSource = 'decoded';
        if (out.video && count.frames > 0) out.video.frames = count.frames;
      }
    }
  }
  out.status = 'ok';
  return out;
}
