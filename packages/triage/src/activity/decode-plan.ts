// What detectActivity() decodes, and the fallbacks when the first choice does not fit the stream:
// keyframes only (fast), VP9's keyframes picked from the packets, the head of every GOP when
// keyframes are too far apart, every frame, or a thinned stream copy for intra-only codecs. Each
// pass is one ffmpeg (and, when packets are dropped, a stream copy feeding it); a pass that finds
// its choice wrong stops with a restart, and the next pass is planned here. Design: ADR 0024.
import { fileUrl, safeInputOptions, forcedInputFormat, isRawStream, type MediaProbe } from '@custodia/media';
import type { ActivityMode, ActivityOptions, ActivityResult, ActivityTuning } from './detect.js';
import { DEFAULT_GOP_HEAD, gopHeadDropExpr } from './gop-head.js';

export interface PassPlan {
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

/** Why a pass stopped early, asking for another. */
export type Restart = 'long-gop' | 'intra-only' | 'key-packets' | 'decode-errors';

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

export class LongGop extends Error {}
class KeyPackets extends Error {}
class DecodeErrors extends Error {}
class IntraOnly extends Error {
  constructor(readonly fps: number | null) {
    super('intra-only stream');
  }
}

/** The restart a pass's error asks for, or null when the error is a real failure. */
export function restartOf(err: unknown): { restart: Restart; stderr: string; fps?: number | null } | null {
  if (err instanceof LongGop) return { restart: 'long-gop', stderr: '' };
  if (err instanceof KeyPackets) return { restart: 'key-packets', stderr: '' };
  if (err instanceof DecodeErrors) return { restart: 'decode-errors', stderr: err.message };
  if (err instanceof IntraOnly) return { restart: 'intra-only', stderr: '', fps: err.fps };
  return null;
}

/**
 * What reads ffmpeg's stderr during a pass. With `sniff`: its description of the input (the
 * duration, the stream's frame rate; an intra-only codec, or one that ignores `-skip_frame`, stops
 * the pass for a restart). For GOP heads: any complaint stops the pass.
 */
export function stderrWatcher(plan: PassPlan, heard: { duration(sec: number): void; stream(fps: number | null): void }): ((line: string) => void) | undefined {
  if (plan.sniff) {
    let sniffed = false;
    return (line) => {
      if (sniffed || line.startsWith('Output #')) {
        sniffed = true;
        return;
      }
      const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(line);
      if (d) heard.duration(Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]));
      const v = parseVideoStreamLine(line);
      if (!v) return;
      sniffed = true;
      heard.stream(v.fps);
      if (INTRA_ONLY.has(v.codec)) throw new IntraOnly(v.fps);
      if (plan.keyframesOnly && plan.drop === undefined && KEEP_KEY_PACKETS.has(v.codec)) throw new KeyPackets();
    };
  }
  if (plan.drop?.keep === 'gop-heads') {
    return (line) => {
      // A GOP head that does not decode on its own (open GOPs: leading pictures refer to the
      // previous GOP's dropped tail) makes the decoder complain: decode everything instead.
      if (line.trim() !== '') throw new DecodeErrors(line);
    };
  }
  return undefined;
}

/**
 * Keyframes too far apart for keyframe-only analysis (decided within the first 30 s): the longest
 * run of a repeated picture, or the padding back to 0 before the first keyframe, against the gap.
 */
export function keyframesTooFarApart(a: { lastTime: number; maxRepeat: number; leadingRun: number }, rate: number, maxGapSec = 3): boolean {
  return a.lastTime < 30 && (a.maxRepeat / rate > maxGapSec || a.leadingRun / rate > 2 * maxGapSec);
}

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
export function buildArgs(input: string, plan: PassPlan, threads: number, opts: ActivityOptions): { args: string[]; upstream?: string[] } {
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

/** What the passes of one run are planned from. */
export interface PlanInput {
  mode: ActivityMode;
  tuning: ActivityTuning | undefined;
  probe: MediaProbe | undefined;
}

const pixelsOf = (p: PlanInput): number => p.tuning?.pixels ?? (p.mode === 'fast' ? 160 * 90 : 320 * 180);
const rateOf = (p: PlanInput): number => (p.mode === 'fast' ? 1 : p.tuning?.rate ?? 5);

/** An intra-only stream: one packet in every fps / rate kept by a stream copy. */
function thinned(p: PlanInput, fps: number | null | undefined): PassPlan {
  const rate = rateOf(p);
  return {
    keyframesOnly: false,
    rate,
    pixels: pixelsOf(p),
    lowres: p.mode === 'fast' ? 2 : 1,
    worker: p.mode === 'thorough' && (p.tuning?.worker ?? true),
    thin: Math.max(1, Math.floor((fps ?? 25) / rate)),
    sniff: false,
  };
}

/** Every frame decoded, 2 frames/s analysed (fast mode's fallbacks). */
function everyFrame(p: PlanInput): PassPlan {
  return { keyframesOnly: false, rate: p.tuning?.rate ?? 2, pixels: pixelsOf(p), lowres: 2, worker: false, sniff: false };
}

/** The first pass: what the mode calls for, and what the probed codec (when there is one) allows. */
export function firstPlan(p: PlanInput): PassPlan {
  const pixels = pixelsOf(p);
  const knownCodec = p.probe?.status === 'ok' ? p.probe.video?.codec : undefined;
  if (knownCodec !== undefined && INTRA_ONLY.has(knownCodec)) return thinned(p, p.probe?.video?.fps);
  if (p.mode === 'fast') {
    return {
      keyframesOnly: true, rate: 1, pixels, lowres: 2, worker: false, sniff: knownCodec === undefined,
      ...(knownCodec !== undefined && KEEP_KEY_PACKETS.has(knownCodec) ? { drop: { keep: 'keyframes' as const } } : {}),
    };
  }
  return { keyframesOnly: false, rate: rateOf(p), pixels, lowres: 1, worker: p.tuning?.worker ?? true, sniff: knownCodec === undefined };
}

/**
 * The pass after `plan` stopped with `restart`. `fps` is the stream's frame rate as the stopped
 * pass heard it (intra-only), or as the sniffing pass heard it (long GOPs; the probe's comes first).
 */
export function fallbackPlan(restart: Restart, plan: PassPlan, p: PlanInput, fps: number | null | undefined): PassPlan {
  switch (restart) {
    case 'intra-only':
      return thinned(p, fps);
    case 'key-packets':
      return { ...plan, sniff: false, drop: { keep: 'keyframes' } };
    case 'long-gop':
      // Keyframes too far apart: decode the head of every GOP (gop-head.ts), 2 frames/s.
      return { ...everyFrame(p), drop: { keep: 'gop-heads', fps: (p.probe?.status === 'ok' ? p.probe.video?.fps : null) ?? fps ?? 25 } };
    case 'decode-errors':
      return everyFrame(p);
  }
}

/** What a plan decoded, as the result reports it. */
export function decodeKind(plan: PassPlan): ActivityResult['decode'] {
  return plan.keyframesOnly ? 'keyframes' : plan.thin !== undefined ? 'sampled' : plan.drop?.keep === 'gop-heads' ? 'gop-heads' : 'all';
}
