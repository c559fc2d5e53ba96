// renderProxy(): a browser-playable copy (H.264/AAC MP4, index first) of any video ffmpeg can read.
//
// Encoder choice: libx264 `-preset veryfast -crf 23`, capped (proxyMaxRate). Chromium plays H.264
// High/yuv420p everywhere; CRF 23 is x264's default quality, and veryfast is the speed/size knee on two
// cores (measured on a noisy 720p CCTV-like scene: superfast 35% faster but 2.8x the size, ultrafast
// 3x faster and 2.5x the size; `faster` took 2.5x as long for no smaller file). Always re-encoded, never
// stream-copied: analysts' browsers decode only x264 output, never an attacker-crafted bitstream.
// Keyframes every 2 s so that seeking in the browser is immediate. Frame timing is kept as in
// the source (`-fps_mode vfr`): a DVR timestamp jump of hours becomes one long frame, not millions
// of duplicated frames as constant-rate output would produce.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { rename, rm } from 'node:fs/promises';
import { ffmpegHead, inputOptionsFor } from './decode-check.js';
import { fileUrl, type MediaTools } from './media-tools.js';
import { MediaInputError, type MediaProbe, type VideoInfo } from './media-types.js';
import { probe as probeFile } from './probe.js';
import { lastLines, MediaProcessError, ProgressParser, runTool } from './run-tool.js';

export interface ProxyOptions {
  /** The probe of `input` (status 'ok'). */
  probe: MediaProbe;
  /** Never taller than this (never upscaled). Default 720. */
  maxHeight?: number;
  signal?: AbortSignal;
  /** Seconds of output written so far. */
  onProgress?: (seconds: number) => void;
  /** Kill ffmpeg after this long. Default 15 min + 2 × the source duration. */
  timeoutMs?: number;
}

export interface ProxyResult {
  width: number;
  height: number;
  durationSec: number;
  hasAudio: boolean;
  /** The ffmpeg arguments used (for the record). */
  args: string[];
}

/** Sample rates ffmpeg's AAC encoder accepts. */
const AAC_RATES = new Set([96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]);

const even = (n: number): number => Math.max(2, 2 * Math.floor(n / 2));

/** Display size after pixel aspect and rotation, scaled to at most maxHeight, even, never upscaled. */
export function proxyGeometry(video: Pick<VideoInfo, 'width' | 'height' | 'rotation' | 'sampleAspectRatio'>, maxHeight: number): { width: number; height: number } {
  let sar = 1;
  const m = video.sampleAspectRatio ? /^(\d+):(\d+)$/.exec(video.sampleAspectRatio) : null;
  if (m && Number(m[1]) > 0 && Number(m[2]) > 0) sar = Number(m[1]) / Number(m[2]);
  let w = video.width * sar;
  let h = video.height;
  if (video.rotation === 90 || video.rotation === 270) [w, h] = [h, w];
  if (!(w > 0 && h > 0)) throw new MediaInputError('no-decodable-frames', 'The video stream has no picture size.');
  const height = even(Math.min(maxHeight, h));
  const width = even(Math.round((w * height) / h / 2) * 2);
  return { width, height };
}

/**
 * A VBV ceiling for the proxy (bits/s): re-encoding above the source's own bitrate (scaled to the
 * output size) adds no information — on noisy night-time CCTV, CRF 23 alone made proxies 1.4× the
 * size of a 2 Mb/s source — and never more than 4 Mb/s per 720p-worth of pixels (MJPEG sources run
 * at tens of Mb/s). Never below 1 Mb/s.
 */
export function proxyMaxRate(probe: Pick<MediaProbe, 'bitRate' | 'video'>, width: number, height: number): number {
  const outPixels = width * height;
  const ceiling = Math.max(1_000_000, Math.round((4_000_000 * outPixels) / (1280 * 720)));
  const inPixels = (probe.video?.width ?? 0) * (probe.video?.height ?? 0);
  if (!probe.bitRate || inPixels <= 0) return ceiling;
  const scaled = probe.bitRate * Math.min(1, outPixels / inPixels);
  return Math.round(Math.min(ceiling, Math.max(1_000_000, scaled)));
}

export function tempPathNear(output: string, ext: string): string {
  return join(dirname(output), `.${basename(output)}.partial-${randomBytes(6).toString('hex')}${ext}`);
}

export function threadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 16));
}

/** The usable probe, or the reason the input cannot be rendered. */
export function requirePlayable(probe: MediaProbe, what: string): void {
  if (probe.status !== 'ok') {
    const f = probe.failure;
    throw new MediaInputError(f?.kind ?? 'unknown-format', `Cannot render ${what}: ${f?.message ?? 'the probe failed'}`, f?.tool ?? '');
  }
  if (probe.image) throw new MediaInputError('no-video-stream', `Cannot render ${what}: the file is a still image.`);
}

export function buildProxyArgs(probe: MediaProbe, input: string, tmpOut: string, maxHeight: number, withAudio: boolean): { args: string[]; width: number; height: number } {
  const threads = String(threadCount());
  const args = [...ffmpegHead(), '-threads', threads, ...inputOptionsFor(probe.container, probe.video?.fps ?? null), '-i', fileUrl(input)];
  let width = 0;
  let height = 0;
  if (probe.video) {
    ({ width, height } = proxyGeometry(probe.video, maxHeight));
    const filters = [
      ...(probe.video.interlaced ? ['bwdif=mode=send_frame:parity=auto:deint=interlaced'] : []),
      `scale=${width}:${height}:flags=bicubic`,
      'setsar=1',
      'format=yuv420p',
    ];
    const gop = String(Math.max(1, Math.round(2 * (probe.video.fps ?? 25))));
    const cap = proxyMaxRate(probe, width, height);
    args.push('-map', '0:v:0', '-vf', filters.join(','), '-fps_mode', 'vfr',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-maxrate', String(cap), '-bufsize', String(2 * cap),
      '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', gop, '-threads', threads);
  }
  if (withAudio && probe.audio) {
    args.push('-map', '0:a:0', '-c:a', 'aac', '-b:a', probe.audio.channels === 1 ? '64k' : '128k');
    if (probe.audio.channels > 2 || probe.audio.channels === 0) args.push('-ac', '2');
    if (!AAC_RATES.has(probe.audio.sampleRate)) args.push('-ar', '48000');
  }
  args.push('-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact',
    '-max_muxing_queue_size', '4096', '-movflags', '+faststart', '-f', 'mp4', fileUrl(tmpOut));
  return { args, width, height };
}

/**
 * Renders `input` to `output` as H.264/AAC MP4 with the index first. Written to a temporary file
 * next to `output`, checked with ffprobe (H.264 or AAC, duration > 0), then renamed into place.
 */
export async function renderProxy(tools: MediaTools, input: string, output: string, opts: ProxyOptions): Promise<ProxyResult> {
  const { probe, maxHeight = 720, signal, onProgress } = opts;
  requirePlayable(probe, 'a proxy');
  if (!probe.video && !probe.audio) throw new MediaInputError('no-video-stream', 'Cannot render a proxy: nothing to play.');
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000 + 2000 * (probe.durationSec ?? 3600);
  const tmp = tempPathNear(output, '.mp4');
  let withAudio = probe.audio !== null;
  try {
    for (;;) {
      const built = buildProxyArgs(probe, input, tmp, maxHeight, withAudio);
      const progress = new ProgressParser(onProgress);
      const r = await runTool(tools.ffmpeg, built.args, { signal, timeoutMs, onStdoutLine: progress.line });
      if (r.code !== 0) {
        await rm(tmp, { force: true });
        // An audio track ffmpeg cannot decode or encode must not cost the picture.
        if (withAudio && probe.video) {
          withAudio = false;
          continue;
        }
        throw new MediaProcessError(`ffmpeg could not render the proxy (exit code ${r.code})`, 'ffmpeg', built.args, r.code, lastLines(r.stderrTail));
      }
      const check = await probeFile(tools, tmp, { signal, decodeDuration: false });
      const okVideo = !probe.video || check.video?.codec === 'h264';
      if (check.status !== 'ok' || !okVideo || !(check.durationSec && check.durationSec > 0)) {
        throw new MediaProcessError(
          `the rendered proxy does not play: ${check.failure?.message ?? `codec ${check.video?.codec ?? 'none'}, duration ${check.durationSec ?? 'none'}`}`,
          'ffmpeg', built.args, r.code, check.failure?.tool ?? lastLines(r.stderrTail),
        );
      }
      await rename(tmp, output);
      const args = built.args.map((a) => (a === fileUrl(tmp) ? fileUrl(output) : a));
      return { width: built.width, height: built.height, durationSec: check.durationSec, hasAudio: check.audio !== null, args };
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
