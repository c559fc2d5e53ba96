// Small test files of every shape leaked DVR/body-camera footage arrives in, made with ffmpeg's
// lavfi sources (no downloaded samples): ≤ 5 s, ≤ 320x240 except the 720p case.
import { copyFile, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MediaTools } from '../media-tools.js';
import { listTopLevelBoxes } from '../iso-bmff.js';
import { lastLines, runTool } from '../run-tool.js';

export type MediaFixtureKind =
  | 'mp4-moov-at-end'
  | 'mp4-faststart'
  | 'mp4-720p'
  | 'mp4-rotated'
  | 'mp4-undecodable'
  | 'h264-raw'
  | 'hevc-raw'
  | 'mjpeg-avi'
  | 'hevc-mkv'
  | 'vp9-webm'
  | 'audio-m4a'
  | 'jpeg-exif'
  | 'png'
  | 'mkv-truncated'
  | 'mp4-faststart-truncated'
  | 'subtitles-only-mkv'
  | 'text-as-mp4'
  | 'empty';

export const MEDIA_FIXTURE_KINDS: readonly MediaFixtureKind[] = [
  'mp4-moov-at-end', 'mp4-faststart', 'mp4-720p', 'mp4-rotated', 'mp4-undecodable', 'h264-raw', 'hevc-raw', 'mjpeg-avi',
  'hevc-mkv', 'vp9-webm', 'audio-m4a', 'jpeg-exif', 'png', 'mkv-truncated', 'mp4-faststart-truncated', 'subtitles-only-mkv', 'text-as-mp4', 'empty',
];

const FILE_NAMES: Record<MediaFixtureKind, string> = {
  'mp4-moov-at-end': 'moov-at-end.mp4',
  'mp4-faststart': 'faststart.mp4',
  'mp4-720p': 'hd-720p.mp4',
  'mp4-rotated': 'rotated-90.mp4',
  'mp4-undecodable': 'undecodable.mp4',
  'h264-raw': 'raw-stream.h264',
  'hevc-raw': 'raw-stream.hevc',
  'mjpeg-avi': 'dvr-mjpeg.avi',
  'hevc-mkv': 'hevc.mkv',
  'vp9-webm': 'vp9.webm',
  'audio-m4a': 'audio-only.m4a',
  'jpeg-exif': 'still-exif.jpg',
  'png': 'still.png',
  'mkv-truncated': 'cut-off.mkv',
  'mp4-faststart-truncated': 'cut-off-faststart.mp4',
  'subtitles-only-mkv': 'subtitles-only.mkv',
  'text-as-mp4': 'not-a-video.mp4',
  'empty': 'empty.mp4',
};

/** The EXIF tags written into the 'jpeg-exif' fixture. */
export const FIXTURE_EXIF = { Make: 'HIKVISION', Model: 'DS-2CD2043G0-I', DateTime: '2024:03:15 14:22:01', Software: 'V5.5.0 build 170725' } as const;

const TIFF_TAGS: Record<string, number> = { ImageDescription: 0x010e, Make: 0x010f, Model: 0x0110, Software: 0x0131, DateTime: 0x0132 };

/** A JPEG APP1 "Exif" segment holding ASCII tags in IFD0 (little-endian TIFF). */
export function buildExifApp1(tags: Record<string, string>): Buffer {
  const entries = Object.entries(tags).filter(([k]) => TIFF_TAGS[k] !== undefined).sort((a, b) => TIFF_TAGS[a[0]]! - TIFF_TAGS[b[0]]!);
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataStart = 8 + ifdSize;
  const head = Buffer.alloc(dataStart);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries.length, 8);
  const extra: Buffer[] = [];
  let extraLen = 0;
  entries.forEach(([k, v], i) => {
    const at = 10 + i * 12;
    const value = Buffer.concat([Buffer.from(v, 'latin1'), Buffer.from([0])]);
    head.writeUInt16LE(TIFF_TAGS[k]!, at);
    head.writeUInt16LE(2, at + 2); // ASCII
    head.writeUInt32LE(value.length, at + 4);
    if (value.length <= 4) value.copy(head, at + 8);
    else {
      head.writeUInt32LE(dataStart + extraLen, at + 8);
      extra.push(value);
      extraLen += value.length;
    }
  });
  const tiff = Buffer.concat([head, ...extra]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([seg, payload]);
}

/** Sets the display matrix of every track header (tkhd) in an MP4 to a clockwise turn. */
export function setMp4Rotation(mp4: Buffer, clockwiseDegrees: 0 | 90 | 180 | 270): Buffer {
  const out = Buffer.from(mp4);
  const one = 0x10000;
  const m: Record<number, number[]> = {
    0: [one, 0, 0, one],
    90: [0, one, -one, 0],
    180: [-one, 0, 0, -one],
    270: [0, -one, one, 0],
  };
  const [a, b, c, d] = m[clockwiseDegrees]!;
  for (let i = out.indexOf('tkhd', 0, 'latin1'); i >= 0; i = out.indexOf('tkhd', i + 4, 'latin1')) {
    const version = out[i + 4]!;
    const matrixAt = i + 4 + 4 + (version === 1 ? 32 : 20) + 8 + 8;
    if (matrixAt + 36 > out.length) continue;
    out.writeInt32BE(a!, matrixAt);
    out.writeInt32BE(b!, matrixAt + 4);
    out.writeInt32BE(c!, matrixAt + 12);
    out.writeInt32BE(d!, matrixAt + 16);
  }
  return out;
}

async function ff(tools: MediaTools, args: string[]): Promise<void> {
  const full = ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args];
  const r = await runTool(tools.ffmpeg, full, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`fixture: ffmpeg ${full.join(' ')} failed: ${lastLines(r.stderrTail)}`);
}

const encoderCache = new Map<string, Promise<Set<string>>>();

/** Whether this ffmpeg has an encoder (e.g. 'libx265': Debian's has it; minimal builds may not). */
export async function hasEncoder(tools: MediaTools, name: string): Promise<boolean> {
  let p = encoderCache.get(tools.ffmpeg);
  if (!p) {
    p = runTool(tools.ffmpeg, ['-hide_banner', '-encoders'], { timeoutMs: 30_000, maxStdoutBytes: 4 << 20 }).then(
      (r) => new Set(r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[1] ?? '').filter(Boolean)),
    );
    encoderCache.set(tools.ffmpeg, p);
  }
  return (await p).has(name);
}

const lavVideo = (size: string, rate: number, seconds: number, src = 'testsrc2'): string[] => ['-f', 'lavfi', '-i', `${src}=size=${size}:rate=${rate}:duration=${seconds}`];
const lavSine = (seconds: number, rate = 48000): string[] => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}:duration=${seconds}`];
const X264_FAST = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const X265_FAST = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p'];

/** Writes one fixture into `dir` and returns its path. Throws if this ffmpeg lacks a needed encoder (check hasEncoder first for 'hevc-*'). */
export async function makeMediaFixture(tools: MediaTools, kind: MediaFixtureKind, dir: string): Promise<string> {
  const out = join(dir, FILE_NAMES[kind]);
  switch (kind) {
    case 'mp4-moov-at-end':
      await ff(tools, [...lavVideo('320x240', 25, 4), ...lavSine(4), ...X264_FAST, '-c:a', 'aac', '-b:a', '64k', out]);
      break;
    case 'mp4-faststart':
      await ff(tools, [...lavVideo('320x240', 25, 4), ...lavSine(4), ...X264_FAST, '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart',
        '-metadata', 'creation_time=2024-03-15T14:22:01Z', out]);
      break;
    case 'mp4-720p':
      // Black for the first second (a camera waking up): the poster must not be that.
      await ff(tools, [...lavVideo('1280x720', 25, 5), '-vf', 'fade=t=in:st=1:d=0.2', ...X264_FAST, '-movflags', '+faststart', out]);
      break;
    case 'mp4-rotated': {
      const tmp = `${out}.tmp.mp4`;
      await ff(tools, [...lavVideo('320x240', 25, 3), ...X264_FAST, '-movflags', '+faststart', tmp]);
      await writeFile(out, setMp4Rotation(await readFile(tmp), 90));
      await rm(tmp, { force: true });
      break;
    }
    case 'mp4-undecodable': {
      const tmp = `${out}.tmp.mp4`;
      await ff(tools, [...lavVideo('320x240', 25, 2), ...X264_FAST, '-movflags', '+faststart', tmp]);
      const b = await readFile(tmp);
      const mdat = (await listTopLevelBoxes(tmp)).boxes.find((x) => x.type === 'mdat')!;
      // Keep the index, scramble the media data: it "opens" but nothing decodes.
      for (let i = mdat.offset + mdat.headerSize; i < mdat.offset + mdat.size; i++) b[i] = i % 7 === 0 ? 0x5a : 0x00;
      await writeFile(out, b);
      await rm(tmp, { force: true });
      break;
    }
    case 'h264-raw':
      // veryfast keeps B-frames: a raw stream whose display order differs from its stored order.
      await ff(tools, [...lavVideo('320x240', 25, 4), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'h264', out]);
      break;
    case 'hevc-raw':
      await ff(tools, [...lavVideo('320x240', 25, 4), ...X265_FAST, '-f', 'hevc', out]);
      break;
    case 'mjpeg-avi':
      // DVR style: MJPEG at 12 fps with 8 kHz G.711 µ-law audio.
      await ff(tools, [...lavVideo('320x240', 12, 4), ...lavSine(4, 8000), '-c:v', 'mjpeg', '-q:v', '6', '-pix_fmt', 'yuvj420p',
        '-c:a', 'pcm_mulaw', '-f', 'avi', out]);
      break;
    case 'hevc-mkv':
      await ff(tools, [...lavVideo('320x240', 25, 4), ...lavSine(4), ...X265_FAST, '-c:a', 'libopus', '-b:a', '48k', out]);
      break;
    case 'vp9-webm':
      await ff(tools, [...lavVideo('320x240', 25, 3), ...lavSine(3), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k',
        '-c:a', 'libopus', '-b:a', '48k', out]);
      break;
    case 'audio-m4a':
      await ff(tools, [...lavSine(4), '-c:a', 'aac', '-b:a', '64k', out]);
      break;
    case 'jpeg-exif': {
      const tmp = `${out}.tmp.jpg`;
      await ff(tools, ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=1', '-frames:v', '1', '-q:v', '4', tmp]);
      const jpeg = await readFile(tmp);
      await writeFile(out, Buffer.concat([jpeg.subarray(0, 2), buildExifApp1(FIXTURE_EXIF), jpeg.subarray(2)]));
      await rm(tmp, { force: true });
      break;
    }
    case 'png':
      await ff(tools, ['-f', 'lavfi', '-i', 'testsrc2=size=300x200:rate=1', '-frames:v', '1', out]);
      break;
    case 'mkv-truncated': {
      await ff(tools, [...lavVideo('320x240', 25, 4), ...lavSine(4), ...X264_FAST, '-c:a', 'aac', '-b:a', '64k', out]);
      await truncate(out, Math.floor((await stat(out)).size * 0.6));
      break;
    }
    case 'mp4-faststart-truncated': {
      // Index first, media data cut at 60%: ffmpeg opens it, the index promises more than is there.
      await ff(tools, [...lavVideo('320x240', 25, 4), ...lavSine(4), ...X264_FAST, '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', out]);
      await truncate(out, Math.floor((await stat(out)).size * 0.6));
      break;
    }
    case 'subtitles-only-mkv': {
      const srt = `${out}.srt`;
      await writeFile(srt, '1\n00:00:00,000 --> 00:00:02,000\nCAM 3 CORRIDOR\n\n2\n00:00:02,000 --> 00:00:04,000\n15.03.2024 14:22\n');
      await ff(tools, ['-i', srt, '-c:s', 'srt', out]);
      await rm(srt, { force: true });
      break;
    }
    case 'text-as-mp4':
      await writeFile(out, 'This is not a video. It is the text of a note someone saved with a .mp4 name.\n'.repeat(20));
      break;
    case 'empty':
      await writeFile(out, '');
      break;
  }
  return out;
}

/** A long raw H.264 stream (small picture, GOP `gop` frames): thumbnails then decode keyframes only. */
export async function makeLongRawH264(tools: MediaTools, dir: string, seconds: number, gop = 50): Promise<string> {
  const out = join(dir, `long-${seconds}s.h264`);
  await ff(tools, [...lavVideo('160x120', 25, seconds), ...X264_FAST, '-g', String(gop), '-f', 'h264', out]);
  return out;
}

/** Frame-counter videos: 13 columns of 16 px, white where bit k of the frame number is set. */
export const COUNTER_SIZE = { width: 208, height: 16 } as const;

/**
 * A video whose every frame shows its own frame number in binary, so that a test can check that a
 * tile or a proxy frame labelled t really shows the frame at t. 25 fps.
 */
export async function makeFrameCounterVideo(
  tools: MediaTools, dir: string, opts: { seconds: number; format: 'mp4' | 'h264'; bFrames: boolean },
): Promise<string> {
  const out = join(dir, `counter-${opts.seconds}s${opts.bFrames ? '-bframes' : ''}.${opts.format}`);
  const geq = "geq=lum='if(mod(floor(N/pow(2\\,floor(X/16)))\\,2)\\,235\\,16)':cb=128:cr=128";
  await ff(tools, ['-f', 'lavfi', '-i', `color=c=black:s=${COUNTER_SIZE.width}x${COUNTER_SIZE.height}:r=25:d=${opts.seconds},format=yuv420p,${geq}`,
    '-c:v', 'libx264', '-preset', opts.bFrames ? 'veryfast' : 'ultrafast', '-crf', '10', '-g', '100', '-pix_fmt', 'yuv420p',
    ...(opts.format === 'h264' ? ['-f', 'h264'] : []), out]);
  return out;
}

/** Reads the frame number shown in a frame-counter picture (or one tile of a sprite at column x0). */
export async function readFrameCounter(tools: MediaTools, image: string, x0 = 0, seekSec?: number): Promise<number> {
  const args = ['-v', 'error', ...(seekSec !== undefined ? ['-ss', String(seekSec)] : []), '-i', image, '-frames:v', '1',
    '-vf', `crop=${COUNTER_SIZE.width}:${COUNTER_SIZE.height}:${x0}:0`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'];
  const { stdout } = await promisify(execFile)(tools.ffmpeg, args, { encoding: 'buffer', maxBuffer: 1 << 20 });
  let n = 0;
  for (let bit = 0; bit < 13; bit++) if ((stdout[8 * COUNTER_SIZE.width + bit * 16 + 8] ?? 0) > 128) n |= 1 << bit;
  return n;
}

export interface TruncatedMp4Pair {
  /** The recording cut off at `keepFraction` of its bytes: media data, no index. */
  truncated: string;
  /** A healthy, different recording from the same "camera" (same encoder settings). */
  reference: string;
  /** The uncut recording the truncated file was made from. */
  original: string;
  originalDurationSec: number;
}

/**
 * The usual DVR-export failure: an MP4 whose index (moov) goes at the end, cut off before it.
 * H.264 (no B-frames unless `bFrames`) with interleaved AAC audio, like camera exports.
 * `keepFraction` (default 0.6) of the bytes are kept.
 */
export async function makeTruncatedMp4Pair(
  tools: MediaTools, dir: string,
  opts: { keepFraction?: number; bFrames?: boolean; seconds?: number; inBandParameterSets?: boolean; codec?: 'h264' | 'hevc' } = {},
): Promise<TruncatedMp4Pair> {
  const seconds = opts.seconds ?? 5;
  const tag = `${opts.codec === 'hevc' ? '-hevc' : ''}${opts.bFrames ? '-bframes' : ''}${opts.inBandParameterSets ? '-inband' : ''}`;
  const enc = opts.codec === 'hevc'
    ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `log-level=error:keyint=25:bframes=${opts.bFrames ? 3 : 0}`, '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p']
    : opts.bFrames
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', '25']
    : ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-bf', '0', '-pix_fmt', 'yuv420p', '-g', '25'];
  // Some cameras repeat SPS/PPS before every keyframe: then no reference is needed.
  if (opts.inBandParameterSets && opts.codec !== 'hevc') enc.push('-x264-params', 'repeat-headers=1');
  const original = join(dir, `dvr-export${tag}.mp4`);
  const reference = join(dir, `dvr-reference${tag}.mp4`);
  const truncated = join(dir, `dvr-export-cut${tag}.mp4`);
  await ff(tools, [...lavVideo('320x240', 25, seconds), ...lavSine(seconds), ...enc, '-c:a', 'aac', '-b:a', '64k', original]);
  await ff(tools, [...lavVideo('320x240', 25, 3, 'testsrc'), ...lavSine(3), ...enc, '-c:a', 'aac', '-b:a', '64k', reference]);
  await copyFile(original, truncated);
  const size = (await stat(truncated)).size;
  await truncate(truncated, Math.floor(size * (opts.keepFraction ?? 0.6)));
  return { truncated, reference, original, originalDurationSec: seconds };
}

/** The top-level box types of an MP4, in file order (to check that moov precedes mdat). */
export async function boxOrder(path: string): Promise<string[]> {
  return (await listTopLevelBoxes(path)).boxes.map((b) => b.type);
}

/** Reads the first bytes of a file (tests compare originals before/after an operation). */
export async function headBytes(path: string, n = 64): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
export * from './redaction-clip.js';
