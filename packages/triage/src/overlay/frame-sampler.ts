// Single grey frames at chosen times, at the video's own size (OCR needs every pixel of a 20-px
// clock). One ffmpeg per frame with an input seek: a handful of frames from a long recording cost a
// handful of short decodes, not a decode of the whole file.
import { fileUrl, inputOptionsFor, lastLines, type MediaTools } from '@custodia/media';
import { streamY4mFrames } from '../activity/frame-stream.js';
import type { GreyFrame } from './text-lines.locator.js';

export interface SampleInput {
  /** ffprobe's format name (forces the demuxer; raw streams get timestamps). */
  container?: string | null | undefined;
  fps?: number | null | undefined;
  signal?: AbortSignal | undefined;
  /** Enlarge the frame by this factor first (Lanczos), for overlays too small to locate at their own size. Default 1. */
  upscale?: number;
}

/** Frames larger than this are scaled down (OCR gains nothing past 1080 lines; memory does). */
const MAX_HEIGHT = 1080;

/**
 * Frames of fewer lines than this are read enlarged twice: a CIF (352×288) or QVGA (320×240) DVR
 * writes its clock about 9 px high, too few pixels for the locator to tell strokes from noise.
 */
export const SMALL_FRAME_HEIGHT = 400;

/** The frame shown at `atSec` (seconds from the start of the file), or null when none decodes there. */
export async function grabGreyFrame(tools: MediaTools, path: string, atSec: number, opts: SampleInput = {}): Promise<GreyFrame | null> {
  const up = Math.max(1, Math.round(opts.upscale ?? 1));
  const args = [
    '-nostdin', '-hide_banner', '-v', 'error', '-nostats',
    ...inputOptionsFor(opts.container ?? null, opts.fps ?? null),
    '-ss', atSec.toFixed(3), '-i', fileUrl(path),
    '-map', '0:v:0', '-an', '-sn', '-dn', '-frames:v', '1',
    '-vf', up > 1 ? `scale=w=iw*${up}:h=ih*${up}:flags=lanczos,setsar=1,format=gray` : `scale=w=-2:h='min(ih,${MAX_HEIGHT})':flags=area,setsar=1,format=gray`,
    '-pix_fmt', 'gray', '-f', 'yuv4mpegpipe', 'pipe:1',
  ];
  let frame: GreyFrame | null = null;
  let size = { width: 0, height: 0 };
  const r = await streamY4mFrames(tools.ffmpeg, args, {
    signal: opts.signal,
    onHeader: (h) => {
      size = { width: h.width, height: h.height };
    },
    onFrame: (data) => {
      frame ??= { ...size, data: Uint8Array.from(data) };
    },
  });
  if (!frame && r.code !== 0) throw new Error(`ffmpeg could not decode a frame at ${atSec.toFixed(2)} s: ${lastLines(r.stderrTail, 3)}`);
  return frame;
}

/**
 * Sample times: the first frame, the last second, and `count` - 2 more spread evenly between, on
 * whole seconds (frames there carry exact timestamps in constant-rate recordings, so a reading's
 * offset in the video is known to the frame).
 */
export function sampleTimes(durationSec: number, count = 8): number[] {
  const last = Math.max(0, Math.floor(durationSec - 1));
  const out = new Set<number>([0, last]);
  const inner = Math.max(0, count - 2);
  for (let i = 1; i <= inner; i += 1) out.add(Math.round((last * i) / (inner + 1)));
  return [...out].sort((a, b) => a - b);
}
