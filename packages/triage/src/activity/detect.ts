// detectActivity(): where something moves in fixed-camera footage, per second, and the segments an
// analyst should watch.
//
// ffmpeg decodes the first video stream to small grey frames on stdout (YUV4MPEG2), one process,
// no separate probe; the frames are compared in this process as they arrive (constant memory).
//
// Measured on this machine (2 cores, ffmpeg 5.1; 22 synthetic 720p clips, see bench/activity.bench.mjs):
// - fast: keyframes only (`-skip_frame nokey`, 1 frame/s through the fps filter) at 160x90. DVRs
//   put a keyframe every 1–2 s; decoding only those costs ~0.15–0.25 of a full decode. When the
//   first seconds show keyframes further apart than 3 s, the run restarts decoding every frame at
//   2 frames/s (coarser keyframes would blur events shorter than the gap). Intra-only codecs
//   (MJPEG, old DVRs' MPEG-4/MPEG-2 with `-lowres`) are decoded at 1/4 size (`-lowres 2`), which
//   for MJPEG skips most of the inverse DCT.
// - thorough: every frame decoded (`-threads` = cores), 5 frames/s at 320x180, `-lowres 1`.
// See the README of this folder (activity/README.md) for the figures.
import { availableParallelism } from 'node:os';
import {
  abortReason,
  fileUrl,
  lastLines,
  MediaInputError,
  probe as probeMedia,
  safeInputOptions,
  forcedInputFormat,
  isRawStream,
  type MediaProbe,
  type MediaTools,
} from '@custodia/media';
import { ActivityAnalyzer, DEFAULT_ANALYZER_PARAMS, type AnalyzerParams, type PairTrace } from './analyzer.js';
import { streamY4mFrames, type Y4mHeader } from './frame-stream.js';
import type { MaskRect } from './overlay-mask.js';
import { DEFAULT_SEGMENT_PARAMS, extractSegments, round3, type ActivitySegment, type SegmentParams } from './segments.js';

export type ActivityMode = 'fast' | 'thorough';

export interface ActivityProgress {
  /** Seconds of video analysed so far. */
  doneSec: number;
  /** The duration when known (options.durationSec or options.probe), else null. */
  totalSec: number | null;
}

export interface ActivityOptions {
  /** 'fast' (default): keyframes at 160x90. 'thorough': every frame decoded, 5 frames/s at 320x180. */
  mode?: ActivityMode;
  /** The input's duration if known: progress fractions, and the curve covers it; analysis stops there. */
  durationSec?: number;
  signal?: AbortSignal;
  /** Called about every second of wall time, and once at the end. */
  onProgress?: (p: ActivityProgress) => void;
  /**
   * The input's probe, if the caller has one: its container forces the demuxer (raw elementary
   * streams get timestamps at the probed rate) and its duration is the progress total. Without it
   * ffmpeg detects the format itself (among the allowed demuxers).
   */
  probe?: MediaProbe;
  /** Overrides of the detector's constants (benchmarks and tuning). */
  tuning?: ActivityTuning;
}

export interface ActivityTuning {
  analyzer?: Partial<Omit<AnalyzerParams, 'motion' | 'overlay'>> & {
    motion?: Partial<AnalyzerParams['motion']>;
    overlay?: Partial<AnalyzerParams['overlay']>;
  };
  segments?: Partial<SegmentParams>;
  /** Frames per second analysed (thorough, and fast when every frame is decoded). */
  rate?: number;
  /** Analysed pixels per frame (e.g. 14400 = 160x90 for 16:9). */
  pixels?: number;
  /** Decoder threads. Default: the number of cores (at most 4). */
  threads?: number;
  /** Keyframes further apart than this (seconds) make fast mode decode every frame. Default 3. */
  maxKeyframeGapSec?: number;
  /** Called with every frame pair compared. */
  trace?: (p: PairTrace) => void;
}

export interface ActivityResult {
  /** Per-second activity score 0..1 (index = second from the start): 1 − exp(−moving area / 0.2% of the picture). */
  curve: number[];
  /** Stretches worth watching (hysteresis on the curve, gaps ≤ 2 s merged, blips < 2 s dropped). */
  segments: ActivitySegment[];
  mode: ActivityMode;
  /** Frames per second analysed (keyframe-only decoding: the rate frames were sampled at). */
  fps: number;
  /** Size of the analysed frames; `masked` is in these pixels. */
  width: number;
  height: number;
  /** Burned-in overlays that change on their own (a ticking clock), excluded from the analysis. */
  masked: MaskRect[];
  /** Seconds of video decoded and analysed. */
  decodedSeconds: number;
  elapsedMs: number;
  /** What was decoded: keyframes only, or every frame. */
  decode: 'keyframes' | 'all';
  /** Seconds in which most of the picture changed at once (lights switched, camera moved or covered, a cut): not counted as movement. */
  globalChanges: number[];
  /** Things an analyst should know about this result (e.g. the file ended early). */
  warnings: string[];
}

interface PassPlan {
  keyframesOnly: boolean;
  rate: number;
  pixels: number;
  lowres: number;
}

interface PassOutcome {
  analyzer: ActivityAnalyzer | null;
  header: Y4mHeader | null;
  code: number | null;
  stderr: string;
  restart: boolean;
}

class LongGop extends Error {}

const MAX_THREADS = 4;

/** The analysis size for `pixels` pixels at the input's display aspect ratio (even sizes, computed by ffmpeg). */
function scaleFilter(pixels: number): string {
  return `scale=w='max(16,2*round(sqrt(${pixels}*dar)/2))':h='max(16,2*round(sqrt(${pixels}/dar)/2))':flags=area`;
}

function buildArgs(input: string, plan: PassPlan, threads: number, opts: ActivityOptions): string[] {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-threads', String(threads), '-filter_threads', '1'];
  if (plan.keyframesOnly) args.push('-skip_frame', 'nokey');
  // Honoured by decoders that can (MJPEG, MPEG-1/2/4, H.263); H.264/HEVC ignore it.
  if (plan.lowres > 0) args.push('-lowres', String(plan.lowres));
  const p = opts.probe;
  if (p && p.status === 'ok') {
    args.push(...safeInputOptions(), ...forcedInputFormat(p.container));
    // Raw elementary streams: the demuxer stamps every packet, so skipped frames still advance time.
    if (isRawStream(p)) args.push('-framerate', String(p.video?.fps ?? 25));
  } else {
    args.push(...safeInputOptions());
  }
  if (opts.durationSec !== undefined && opts.durationSec > 0) args.push('-t', String(opts.durationSec));
  args.push('-i', fileUrl(input), '-map', '0:v:0', '-an', '-sn', '-dn');
  args.push('-vf', `fps=${plan.rate},${scaleFilter(plan.pixels)},setsar=1,format=gray`);
  args.push('-pix_fmt', 'gray', '-f', 'yuv4mpegpipe', 'pipe:1');
  return args;
}

function mergeParams(t: ActivityTuning | undefined): AnalyzerParams {
  const a = t?.analyzer ?? {};
  return {
    ...DEFAULT_ANALYZER_PARAMS,
    ...a,
    motion: { ...DEFAULT_ANALYZER_PARAMS.motion, ...a.motion },
    overlay: { ...DEFAULT_ANALYZER_PARAMS.overlay, ...a.overlay },
  };
}

/**
 * Finds where something moves in `input` (the first video stream). Rejects with MediaInputError
 * when the file has no video or cannot be decoded, with the signal's reason on abort.
 */
export async function detectActivity(tools: MediaTools, input: string, opts: ActivityOptions = {}): Promise<ActivityResult> {
  const started = Date.now();
  const mode = opts.mode ?? 'fast';
  if (mode !== 'fast' && mode !== 'thorough') throw new TypeError(`mode must be 'fast' or 'thorough', not ${String(mode)}`);
  if (opts.signal?.aborted) throw abortReason(opts.signal);
  const tuning = opts.tuning;
  const params = mergeParams(tuning);
  const threads = tuning?.threads ?? Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
  const totalSec = opts.durationSec ?? (opts.probe?.status === 'ok' ? opts.probe.durationSec : null) ?? null;

  let lastProgress = 0;
  const progress = (a: ActivityAnalyzer, force = false): void => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < 1000) return;
    lastProgress = now;
    opts.onProgress({ doneSec: Math.round(a.frames / a.rate), totalSec });
  };

  const runPass = async (plan: PassPlan): Promise<PassOutcome> => {
    let analyzer: ActivityAnalyzer | null = null;
    let header: Y4mHeader | null = null;
    try {
      const r = await streamY4mFrames(tools.ffmpeg, buildArgs(input, plan, threads, opts), {
        signal: opts.signal,
        onHeader: (h) => {
          header = h;
          analyzer = new ActivityAnalyzer(h.width, h.height, plan.rate, params, tuning?.trace);
        },
        onFrame: (frame) => {
          const a = analyzer!;
          a.push(frame);
          // Keyframes too far apart for keyframe-only analysis: decide within the first 30 s.
          if (plan.keyframesOnly && a.lastTime < 30 && a.maxRepeat / plan.rate > (tuning?.maxKeyframeGapSec ?? 3)) throw new LongGop();
          progress(a);
        },
      });
      return { analyzer, header, code: r.code, stderr: r.stderrTail, restart: false };
    } catch (err) {
      if (err instanceof LongGop) return { analyzer: null, header, code: null, stderr: '', restart: true };
      throw err;
    }
  };

  const pixels = tuning?.pixels ?? (mode === 'fast' ? 160 * 90 : 320 * 180);
  let plan: PassPlan = mode === 'fast'
    ? { keyframesOnly: true, rate: 1, pixels, lowres: 2 }
    : { keyframesOnly: false, rate: tuning?.rate ?? 5, pixels, lowres: 1 };
  let out = await runPass(plan);
  if (out.restart) {
    plan = { keyframesOnly: false, rate: tuning?.rate ?? 2, pixels, lowres: 2 };
    out = await runPass(plan);
  }
  const a: ActivityAnalyzer | null = out.analyzer;
  const warnings: string[] = [];
  if (a === null || a.frames === 0) {
    // Nothing decoded: say why in the probe's words (no video stream, not a media file, …).
    const p = opts.probe ?? (await probeMedia(tools, input, { signal: opts.signal }));
    if (p.status !== 'ok') {
      const f = p.failure;
      throw new MediaInputError(f?.kind ?? 'unknown-format', `Cannot analyse activity: ${f?.message ?? 'the file could not be read'}`, f?.tool ?? lastLines(out.stderr));
    }
    if (p.image) throw new MediaInputError('no-video-stream', 'Cannot analyse activity: the file is a still image, not a video.');
    if (!p.video) throw new MediaInputError('no-video-stream', 'Cannot analyse activity: the file has no video stream.');
    throw new MediaInputError('no-decodable-frames', 'Cannot analyse activity: no frame of the video could be decoded.', lastLines(out.stderr));
  }
  if (out.code !== 0) {
    warnings.push(`ffmpeg stopped with an error after ${a.frames} frames (${Math.round(a.frames / a.rate)} s): the rest of the file was not analysed. ${lastLines(out.stderr, 3, 500)}`);
  }
  a.finish();
  const segParams: SegmentParams = { ...DEFAULT_SEGMENT_PARAMS, ...tuning?.segments };
  const decodedSeconds = round3(a.frames / plan.rate);
  const curveLen = Math.max(a.curve.length, Math.ceil(totalSec ?? 0), Math.ceil(decodedSeconds));
  const curve = Array.from({ length: curveLen }, (_, i) => round3(a.curve[i] ?? 0));
  progress(a, true);
  return {
    curve,
    segments: extractSegments(curve, segParams),
    mode,
    fps: plan.rate,
    width: a.width,
    height: a.height,
    masked: a.masked,
    decodedSeconds,
    elapsedMs: Date.now() - started,
    decode: plan.keyframesOnly ? 'keyframes' : 'all',
    globalChanges: a.globalChanges,
    warnings,
  };
}
