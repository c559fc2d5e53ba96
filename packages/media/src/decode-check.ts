// Reading a stream through ffmpeg to learn what the container does not say: whether any frame
// decodes, and how long a stream without a duration (raw .h264/.hevc, some AVI, cut-off files) is.
import { fileUrl, forcedInputFormat, safeInputOptions, type MediaTools } from './media-tools.js';
import { isRawStream } from './media-types.js';
import { lastLines, ProgressParser, runTool } from './run-tool.js';

export interface ToolRunOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Options before `-i` for an input: safety, the probed demuxer, timestamps for raw streams.
 * Elementary streams carry no timestamps. 'decoded' (default): ffmpeg stamps each decoded frame at
 * the stream's rate (`-fflags +genpts -r`) — robust for transcoding, but frames skipped by
 * `-skip_frame` then do not advance time. 'packets': the demuxer stamps every packet
 * (`-framerate`), so keyframe-only decoding still sees true times.
 */
export function inputOptionsFor(container: string | null, fps: number | null, rawTimestamps: 'decoded' | 'packets' = 'decoded'): string[] {
  const opts = [...safeInputOptions(), ...forcedInputFormat(container)];
  if (isRawStream({ container })) {
    const rate = String(fps ?? 25);
    opts.push(...(rawTimestamps === 'decoded' ? ['-fflags', '+genpts', '-r', rate] : ['-framerate', rate]));
  }
  return opts;
}

/** Common head of every ffmpeg command line. */
export function ffmpegHead(): string[] {
  return ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:1'];
}

export interface DecodeCheck {
  frames: number;
  /** ffmpeg's last error lines, verbatim. */
  tool: string;
}

/** Decodes the first frame of the first video stream (reading on until one decodes or the file ends). */
export async function decodeFirstFrame(
  tools: MediaTools,
  path: string,
  container: string | null,
  fps: number | null,
  opts: ToolRunOptions = {},
): Promise<DecodeCheck> {
  const progress = new ProgressParser();
  const args = [
    ...ffmpegHead(),
    '-threads', '1',
    ...inputOptionsFor(container, fps),
    '-i', fileUrl(path),
    '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-',
  ];
  const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 120_000, onStdoutLine: progress.line });
  return { frames: progress.frame, tool: lastLines(r.stderrTail) };
}

export interface StreamCount {
  /** Packets (= frames for video) read. */
  frames: number;
  /** Timestamp of the last packet, seconds. */
  lastTimeSec: number;
  /** Duration worked out from the count. */
  durationSec: number | null;
  tool: string;
}

/**
 * Reads every packet of the first video (or audio) stream without decoding (`-c copy -f null`):
 * bounded by disk speed, not decode speed, so an hour-long raw stream takes seconds, not minutes.
 */
export async function countStream(
  tools: MediaTools,
  path: string,
  container: string | null,
  fps: number | null,
  kind: 'v' | 'a',
  opts: ToolRunOptions = {},
): Promise<StreamCount> {
  const progress = new ProgressParser();
  const args = [
    ...ffmpegHead(),
    ...inputOptionsFor(container, fps),
    '-i', fileUrl(path),
    '-map', `0:${kind}:0`, '-c', 'copy', '-f', 'null', '-',
  ];
  const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs: opts.timeoutMs, onStdoutLine: progress.line });
  const frames = progress.frame;
  const last = progress.outTimeSec;
  let durationSec: number | null = null;
  if (kind === 'v' && frames > 0) {
    // Raw streams: timestamps were generated at `fps`, so the count is the measure. Containers:
    // the last timestamp plus one frame (variable frame rates and gaps are real time).
    if (isRawStream({ container }) || last <= 0) durationSec = fps ? frames / fps : null;
    else durationSec = last + (fps ? 1 / fps : 0);
  } else if (kind === 'a' && last > 0) {
    durationSec = last;
  }
  if (durationSec !== null) durationSec = Math.round(durationSec * 1000) / 1000;
  return { frames, lastTimeSec: last, durationSec, tool: lastLines(r.stderrTail) };
}
