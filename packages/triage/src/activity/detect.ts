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
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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
import type { AnalysisWorkerData, AnalysisWorkerReply, AnalysisWorkerRequest } from './analysis-worker.js';
import { streamY4mFrames, type Y4mHeader } from './frame-stream.js';
import type { MaskRect } from './overlay-mask.js';
import { DEFAULT_SEGMENT_PARAMS, extractSegments, round3, type ActivitySegment, type SegmentParams } from './segments.js';
import { DEFAULT_GOP_HEAD, gopHeadDropExpr, type GopHeadParams } from './gop-head.js';

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

interface PassPlan {
  keyframesOnly: boolean;
  rate: number;
  pixels: number;
  lowres: number;
  /** Analyse in a worker thread (thorough: overlaps decoding and analysis). */
  worker: boolean;
  /**
   * Intra-only streams (MJPEG…): a stream copy keeps one packet in `thin` before anything is
   * decoded (every frame is a keyframe, so any packet decodes on its own).
   */
  thin?: number;
  /** Watch ffmpeg's stream description for an intra-only codec (and restart thinned). */
  sniff: boolean;
  /**
   * What a stream copy drops before anything is decoded: every packet but the keyframes (decoders
   * that ignore `-skip_frame nokey`, such as VP9's), or each GOP's tail (long GOPs, gop-head.ts; `fps`
   * packets per second).
   */
  drop?: { keep: 'keyframes' } | { keep: 'gop-heads'; fps: number };
}

/** Decoders that decode every frame whatever `-skip_frame nokey` says: keyframes are picked from the packets instead. */
const KEEP_KEY_PACKETS = new Set(['vp9']);

/** Codecs whose every frame is a keyframe: decoding can start at any packet. */
const INTRA_ONLY = new Set(['mjpeg', 'mjpegb', 'jpeg2000', 'jpegls', 'ljpeg', 'prores', 'dnxhd', 'ffv1', 'huffyuv', 'ffvhuff', 'utvideo', 'magicyuv', 'rawvideo', 'v210', 'cllc']);

/** Reads "Stream #0:0: Video: mjpeg (Baseline) (MJPG / 0x47504A4D), yuvj420p(pc), 1280x720, 25 fps, 25 tbr…". */
export function parseVideoStreamLine(line: string): { codec: string; fps: number | null } | null {
  const m = /Stream #\d+:\d+.*?: Video: ([a-z0-9_]+)/.exec(line);
  if (!m?.[1]) return null;
  const fps = /, ([\d.]+) (?:fps|tbr)\b/.exec(line);
  const f = fps?.[1] !== undefined ? Number(fps[1]) : NaN;
  return { codec: m[1], fps: Number.isFinite(f) && f > 0 && f <= 1000 ? f : null };
}

/** What a pass learnt about the video. */
interface Analysis {
  width: number;
  height: number;
  rate: number;
  frames: number;
  curve: number[];
  globalChanges: number[];
  masked: MaskRect[];
}

interface PassOutcome {
  analysis: Analysis | null;
  code: number | null;
  stderr: string;
  restart: false | 'long-gop' | 'intra-only' | 'key-packets' | 'decode-errors';
  /** The stream's frame rate, when ffmpeg said. */
  fps?: number | null;
}

/** Where frames go: analysed in this thread, or in a worker thread. */
interface FrameSink {
  push(frame: Uint8Array): void;
  readonly frames: number;
  finish(): Promise<Analysis>;
  dispose(): void;
}

class InlineSink implements FrameSink {
  readonly a: ActivityAnalyzer;
  constructor(h: Y4mHeader, rate: number, params: AnalyzerParams, trace?: (p: PairTrace) => void) {
    this.a = new ActivityAnalyzer(h.width, h.height, rate, params, trace);
  }
  get frames(): number {
    return this.a.frames;
  }
  push(frame: Uint8Array): void {
    this.a.push(frame);
  }
  finish(): Promise<Analysis> {
    const a = this.a;
    a.finish();
    return Promise.resolve({ width: a.width, height: a.height, rate: a.rate, frames: a.frames, curve: a.curve, globalChanges: a.globalChanges, masked: a.masked });
  }
  dispose(): void {}
}

/** Frames sent in one message, and the most frames in flight before reading pauses (~1.4 MB at 320x180). */
const BATCH = 4;
const MAX_IN_FLIGHT = 24;

class WorkerSink implements FrameSink {
  private readonly worker: Worker;
  private batch: ArrayBuffer[] = [];
  private inFlight = 0;
  private paused = false;
  private sent = 0;
  private failure: Error | null = null;
  private result: ((r: Analysis) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;

  constructor(
    private readonly h: Y4mHeader,
    private readonly rate: number,
    params: AnalyzerParams,
    private readonly flow: () => { pause(): void; resume(): void } | null,
  ) {
    const data: AnalysisWorkerData = { width: h.width, height: h.height, rate, params };
    this.worker = new Worker(new URL('./analysis-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: AnalysisWorkerReply) => {
      if (m.type === 'ack') {
        this.inFlight -= m.count;
        if (this.paused && this.inFlight <= MAX_IN_FLIGHT / 2) {
          this.paused = false;
          this.flow()?.resume();
        }
      } else {
        this.result?.({ width: h.width, height: h.height, rate, frames: m.frames, curve: m.curve, globalChanges: m.globalChanges, masked: m.masked });
      }
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.fail?.(e);
    });
  }
  get frames(): number {
    return this.sent + this.batch.length;
  }
  push(frame: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.batch.push(frame.slice().buffer);
    if (this.batch.length >= BATCH) this.send();
  }
  private send(): void {
    if (this.batch.length === 0) return;
    const frames = this.batch;
    this.batch = [];
    this.sent += frames.length;
    this.inFlight += frames.length;
    this.worker.postMessage({ type: 'frames', frames } satisfies AnalysisWorkerRequest, frames);
    if (!this.paused && this.inFlight > MAX_IN_FLIGHT) {
      this.paused = true;
      this.flow()?.pause();
    }
  }
  finish(): Promise<Analysis> {
    this.send();
    return new Promise<Analysis>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.result = resolve;
      this.fail = reject;
      this.worker.postMessage({ type: 'finish' } satisfies AnalysisWorkerRequest);
    });
  }
  dispose(): void {
    void this.worker.terminate();
  }
}

class LongGop extends Error {}
class KeyPackets extends Error {}
class DecodeErrors extends Error {}
class IntraOnly extends Error {
  constructor(readonly fps: number | null) {
    super('intra-only stream');
  }
}

const MAX_THREADS = 4;

/** The analysis size for `pixels` pixels at the input's display aspect ratio (even sizes, computed by ffmpeg). */
function scaleFilter(pixels: number): string {
  return `scale=w='max(16,2*round(sqrt(${pixels}*dar)/2))':h='max(16,2*round(sqrt(${pixels}/dar)/2))':flags=area`;
}

/** Options before -i: safety, and the probed demuxer when there is a probe. */
function inputArgs(opts: ActivityOptions, keyframesOnly: boolean): string[] {
  const args = [...safeInputOptions()];
  const p = opts.probe;
  if (p && p.status === 'ok') {
    args.push(...forcedInputFormat(p.container));
    // Raw elementary streams: the demuxer stamps every packet, so skipped frames still advance time.
    if (isRawStream(p) && keyframesOnly) args.push('-framerate', String(p.video?.fps ?? 25));
  }
  if (opts.durationSec !== undefined && opts.durationSec > 0) args.push('-t', String(opts.durationSec));
  return args;
}

/** The decoding ffmpeg (and, for thinned intra-only streams, the stream copy feeding it). */
function buildArgs(input: string, plan: PassPlan, threads: number, opts: ActivityOptions): { args: string[]; upstream?: string[] } {
  const args = ['-nostdin', '-hide_banner', '-v', plan.sniff ? 'info' : 'error', '-nostats', '-threads', String(threads), '-filter_threads', '1'];
  if (plan.keyframesOnly) args.push('-skip_frame', 'nokey');
  // Not by default: without deblocking, low-bitrate keyframes differ by their blocking from one to
  // the next, which reads as movement (a segment 8 s longer than its event on the bench set).
  if (plan.keyframesOnly && (opts.tuning?.skipLoopFilter ?? false)) args.push('-skip_loop_filter', 'all');
  // Honoured by decoders that can (MJPEG, MPEG-1/2/4, H.263); H.264/HEVC ignore it.
  if (plan.lowres > 0) args.push('-lowres', String(plan.lowres));
  let upstream: string[] | undefined;
  const drop =
    plan.thin !== undefined
      ? `gt(mod(n\\,${plan.thin})\\,0)`
      : plan.drop?.keep === 'keyframes'
        ? 'not(key)'
        : plan.drop?.keep === 'gop-heads'
          ? gopHeadDropExpr(plan.drop.fps, { ...DEFAULT_GOP_HEAD, ...opts.tuning?.gopHead })
          : undefined;
  if (drop !== undefined) {
    // The copy runs on the hostile file; the decoder reads only the copy's NUT stream. Raw
    // elementary streams are stamped at the probed rate before packets are dropped.
    upstream = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', ...inputArgs(opts, plan.drop !== undefined), '-i', fileUrl(input), '-map', '0:v:0', '-c', 'copy',
      '-bsf:v', `noise=drop='${drop}'`, '-f', 'nut', 'pipe:1'];
    args.push('-protocol_whitelist', 'pipe', '-format_whitelist', 'nut', '-f', 'nut', '-i', 'pipe:0');
  } else {
    args.push(...inputArgs(opts, plan.keyframesOnly), '-i', fileUrl(input));
  }
  args.push('-map', '0:v:0', '-an', '-sn', '-dn');
  // The stream carries no timestamps, so frame n must be at n / rate seconds from the start of the
  // file: `start_time=0` pads the first frame back to 0 when the first decoded frame is later (a
  // clip cut after its first keyframe, whose leading frames an edit list hides; keyframes-only
  // decoding, whose first keyframe is not at 0; a transport stream whose video starts late).
  // Without it every time was off by the first frame's timestamp (1–3 s in fast mode).
  args.push('-vf', `fps=${plan.rate}:start_time=0,${scaleFilter(plan.pixels)},setsar=1,format=gray`);
  // The padded stream may hold one frame past the input's `-t`; the output limit cuts it.
  if (opts.durationSec !== undefined && opts.durationSec > 0) args.push('-t', String(opts.durationSec));
  args.push('-pix_fmt', 'gray', '-f', 'yuv4mpegpipe', 'pipe:1');
  return upstream ? { args, upstream } : { args };
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
      let sniffed = false;
      const r = await streamY4mFrames(tools.ffmpeg, args, {
        upstream,
        signal: opts.signal,
        onStderrLine: plan.sniff
          ? (line) => {
              if (sniffed || line.startsWith('Output #')) {
                sniffed = true;
                return;
              }
              const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(line);
              if (d && totalSec === null) totalSec = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
              const v = parseVideoStreamLine(line);
              if (!v) return;
              sniffed = true;
              sniffedFps = v.fps;
              if (INTRA_ONLY.has(v.codec)) throw new IntraOnly(v.fps);
              if (plan.keyframesOnly && plan.drop === undefined && KEEP_KEY_PACKETS.has(v.codec)) throw new KeyPackets();
            }
          : plan.drop?.keep === 'gop-heads'
            ? (line) => {
                // A GOP head that does not decode on its own (open GOPs: leading pictures refer to the
                // previous GOP's dropped tail) makes the decoder complain: decode everything instead.
                if (line.trim() !== '') throw new DecodeErrors(line);
              }
            : undefined,
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
          // Keyframes too far apart for keyframe-only analysis: decide within the first 30 s.
          if (plan.keyframesOnly && inline !== null) {
            const a = inline.a;
            // The first picture also stands for the padding back to 0 (the first keyframe may come late).
            const gap = tuning?.maxKeyframeGapSec ?? 3;
            if (a.lastTime < 30 && (a.maxRepeat / plan.rate > gap || a.leadingRun / plan.rate > 2 * gap)) throw new LongGop();
          }
          progress(frames / plan.rate);
        },
      });
      const s: FrameSink | null = sink;
      const analysis = s !== null && frames > 0 ? await (s as FrameSink).finish() : null;
      return { analysis, code: r.code, stderr: r.stderrTail, restart: false };
    } catch (err) {
      if (err instanceof LongGop) return { analysis: null, code: null, stderr: '', restart: 'long-gop' };
      if (err instanceof KeyPackets) return { analysis: null, code: null, stderr: '', restart: 'key-packets' };
      if (err instanceof DecodeErrors) return { analysis: null, code: null, stderr: err.message, restart: 'decode-errors' };
      if (err instanceof IntraOnly) return { analysis: null, code: null, stderr: '', restart: 'intra-only', fps: err.fps };
      throw err;
    } finally {
      (sink as FrameSink | null)?.dispose();
    }
  };

  const pixels = tuning?.pixels ?? (mode === 'fast' ? 160 * 90 : 320 * 180);
  const rate = mode === 'fast' ? 1 : tuning?.rate ?? 5;
  const thinned = (fps: number | null | undefined): PassPlan => ({
    keyframesOnly: false,
    rate,
    pixels,
    lowres: mode === 'fast' ? 2 : 1,
    worker: mode === 'thorough' && (tuning?.worker ?? true),
    thin: Math.max(1, Math.floor((fps ?? 25) / rate)),
    sniff: false,
  });
  const knownCodec = opts.probe?.status === 'ok' ? opts.probe.video?.codec : undefined;
  let plan: PassPlan;
  if (knownCodec !== undefined && INTRA_ONLY.has(knownCodec)) {
    plan = thinned(opts.probe?.video?.fps);
  } else if (mode === 'fast') {
    plan = {
      keyframesOnly: true, rate: 1, pixels, lowres: 2, worker: false, sniff: knownCodec === undefined,
      ...(knownCodec !== undefined && KEEP_KEY_PACKETS.has(knownCodec) ? { drop: { keep: 'keyframes' as const } } : {}),
    };
  } else {
    plan = { keyframesOnly: false, rate, pixels, lowres: 1, worker: tuning?.worker ?? true, sniff: knownCodec === undefined };
  }
  const everyFrame = (): PassPlan => ({ keyframesOnly: false, rate: tuning?.rate ?? 2, pixels, lowres: 2, worker: false, sniff: false });
  let out = await runPass(plan);
  if (out.restart === 'intra-only') {
    plan = thinned(out.fps);
    out = await runPass(plan);
  } else if (out.restart === 'key-packets') {
    plan = { ...plan, sniff: false, drop: { keep: 'keyframes' } };
    out = await runPass(plan);
  }
  if (out.restart === 'long-gop') {
    // Keyframes too far apart: decode the head of every GOP (gop-head.ts), 2 frames/s.
    const fps = (opts.probe?.status === 'ok' ? opts.probe.video?.fps : null) ?? sniffedFps ?? 25;
    plan = { ...everyFrame(), drop: { keep: 'gop-heads', fps } };
    out = await runPass(plan);
  }
  if (out.restart === 'decode-errors') {
    plan = everyFrame();
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
    decode: plan.keyframesOnly ? 'keyframes' : plan.thin !== undefined ? 'sampled' : plan.drop?.keep === 'gop-heads' ? 'gop-heads' : 'all',
    globalChanges: a.globalChanges,
    warnings,
  };
}
