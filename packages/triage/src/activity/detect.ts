// detectActivity(): where something moves in fixed-camera footage, per second, and the segments an
// analyst should watch.
//
// ffmpeg decodes the first video stream to small grey frames on stdout (YUV4MPEG2), one process,
// no separate probe; the frames are compared in this process as they arrive (constant memory).
//
// Measured on this machine (2 cores, ffmpeg 5.1; 22 synthetic 720p clips, see bench/activity.bench.mjs):
// - fast: keyframes only (`-skip_frame nokey`, 1 frame/s through the fps filter) at
//   160x90. DVRs put a keyframe every 1–2 s; decoding only those costs ~0.15–0.25 of a full decode.
//   VP9's decoder decodes every frame whatever -skip_frame says: its keyframes are picked from the
//   packets by a stream copy instead (ADR 0024). When the first seconds show keyframes further
//   apart than 3 s (coarser keyframes would miss events shorter than the gap), the run restarts
//   decoding the head of every GOP at 2 frames/s, which leaves at most 2.5 s before each keyframe
//   without a picture (gop-head.ts; a GOP head that does not decode on its own makes it decode
//   every frame). Intra-only codecs (MJPEG, old DVRs' MPEG-4/MPEG-2 with `-lowres`) are decoded at
//   1/4 size (`-lowres 2`), which for MJPEG skips most of the inverse DCT.
// - thorough: every frame decoded (`-threads` = cores), 5 frames/s at 320x180, `-lowres 1`.
// Figures: docs/benchmarks.md (Triage), bench/activity.bench.mjs. Design: ADR 0024.
// What is decoded and the fallbacks: decode-plan.ts; where frames are scored: frame-sink.ts.
import { availableParallelism } from 'node:os';
import { abortReason, lastLines, MediaInputError, probe as probeMedia, type MediaProbe, type MediaTools } from '@custodia/media';
import { DEFAULT_ANALYZER_PARAMS, type AnalyzerParams, type PairTrace } from './analyzer.js';
import { buildArgs, decodeKind, fallbackPlan, firstPlan, keyframesTooFarApart, LongGop, restartOf, stderrWatcher, type PassPlan, type PlanInput, type Restart } from './decode-plan.js';
import { InlineSink, WorkerSink, type Analysis, type FrameSink } from './frame-sink.js';
import { streamY4mFrames } from './frame-stream.js';
import type { MaskRect } from './overlay-mask.js';
import { DEFAULT_SEGMENT_PARAMS, extractSegments, round3, type ActivitySegment, type SegmentParams } from './segments.js';
import type { GopHeadParams } from './gop-head.js';

export type ActivityMode = 'fast' | 'thorough';

export interface ActivityProgress {
  /** Seconds of video analysed so far. */
  doneSec: number;
  /** The duration when known (options.durationSec, options.probe, or the container's), else null. */
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
  /** Called with every frame pair compared (analysis then runs in this thread). */
  trace?: (p: PairTrace) => void;
  /** Thorough mode analyses in a worker thread (overlapping decoding). Default true. */
  worker?: boolean;
  /** Keyframes-only decoding skips the deblocking filter. Default false (blocking reads as movement). */
  skipLoopFilter?: boolean;
  /** Long GOPs in fast mode: how much of each GOP is decoded (gop-head.ts). */
  gopHead?: Partial<GopHeadParams>;
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
  /**
   * What was decoded: keyframes only, every frame, (intra-only codecs such as MJPEG) only the frames
   * analysed, or (fast mode, keyframes more than 3 s apart) the first part of every GOP.
   */
  decode: 'keyframes' | 'all' | 'sampled' | 'gop-heads';
  /** Seconds in which most of the picture changed at once (lights switched, camera moved or covered, a cut): not counted as movement. */
  globalChanges: number[];
  /** Things an analyst should know about this result (e.g. the file ended early). */
  warnings: string[];
}

interface PassOutcome {
  analysis: Analysis | null;
  code: number | null;
  stderr: string;
  restart: false | Restart;
  /** The stream's frame rate, when ffmpeg said. */
  fps?: number | null;
}

const MAX_THREADS = 4;

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
  // The duration: given, probed, or read from ffmpeg's description of the input (not for raw streams).
  let totalSec: number | null = opts.durationSec ?? (opts.probe?.status === 'ok' ? opts.probe.durationSec : null) ?? null;

  // The stream's frame rate as ffmpeg describes it (when it was asked to), for packet counting.
  let sniffedFps: number | null = null;
  let lastProgress = 0;
  const progress = (doneSec: number, force = false): void => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < 1000) return;
    lastProgress = now;
    opts.onProgress({ doneSec: Math.round(doneSec), totalSec });
  };

  const runPass = async (plan: PassPlan): Promise<PassOutcome> => {
    let sink: FrameSink | null = null;
    let inline: InlineSink | null = null;
    let flow: { pause(): void; resume(): void } | null = null;
    let frames = 0;
    try {
      const { args, upstream } = buildArgs(input, plan, threads, opts);
      const r = await streamY4mFrames(tools.ffmpeg, args, {
        upstream,
        signal: opts.signal,
        onStderrLine: stderrWatcher(plan, {
          duration: (sec) => {
            if (totalSec === null) totalSec = sec;
          },
          stream: (fps) => {
            sniffedFps = fps;
          },
        }),
        onFlow: (f) => {
          flow = f;
        },
        onHeader: (h) => {
          if (plan.worker && !tuning?.trace) {
            sink = new WorkerSink(h, plan.rate, params, () => flow);
          } else {
            inline = new InlineSink(h, plan.rate, params, tuning?.trace);
            sink = inline;
          }
        },
        onFrame: (frame) => {
          sink!.push(frame);
          frames += 1;
          // The first picture also stands for the padding back to 0 (the first keyframe may come late).
          if (plan.keyframesOnly && inline !== null && keyframesTooFarApart(inline.a, plan.rate, tuning?.maxKeyframeGapSec)) throw new LongGop();
          progress(frames / plan.rate);
        },
      });
      const s: FrameSink | null = sink;
      const analysis = s !== null && frames > 0 ? await (s as FrameSink).finish() : null;
      return { analysis, code: r.code, stderr: r.stderrTail, restart: false };
    } catch (err) {
      const restart = restartOf(err);
      if (restart) return { analysis: null, code: null, ...restart };
      throw err;
    } finally {
      (sink as FrameSink | null)?.dispose();
    }
  };

  // The first choice of what to decode, then the fallbacks a pass can ask for, in this order.
  const planInput: PlanInput = { mode, tuning, probe: opts.probe };
  let plan = firstPlan(planInput);
  let out = await runPass(plan);
  if (out.restart === 'intra-only' || out.restart === 'key-packets') {
    plan = fallbackPlan(out.restart, plan, planInput, out.fps);
    out = await runPass(plan);
  }
  if (out.restart === 'long-gop') {
    plan = fallbackPlan(out.restart, plan, planInput, sniffedFps);
    out = await runPass(plan);
  }
  if (out.restart === 'decode-errors') {
    plan = fallbackPlan(out.restart, plan, planInput, null);
    out = await runPass(plan);
  }
  const a = out.analysis;
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
  const segParams: SegmentParams = { ...DEFAULT_SEGMENT_PARAMS, ...tuning?.segments };
  const decodedSeconds = round3(a.frames / plan.rate);
  // The curve covers the video: the given or probed duration; the container's only when it is
  // close to what was decoded (keyframes end before the file does; a cut-off file claims more).
  const stated = opts.durationSec ?? (opts.probe?.status === 'ok' ? opts.probe.durationSec : null) ?? (totalSec !== null && totalSec <= decodedSeconds + 8 ? totalSec : 0);
  const curveLen = Math.max(a.curve.length, Math.ceil((stated ?? 0) - 1e-6), Math.ceil(decodedSeconds - 1e-6));
  const curve = Array.from({ length: curveLen }, (_, i) => round3(a.curve[i] ?? 0));
  progress(decodedSeconds, true);
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
    decode: decodeKind(plan),
    globalChanges: a.globalChanges,
    warnings,
  };
}
