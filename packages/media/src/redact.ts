// renderRedaction(): one ffmpeg pass that hides moving boxes (blur, pixelate or fill), mutes (or
// bleeps) audio ranges, optionally cuts a clip, and writes H.264/AAC MP4 (index first) without the
// source's metadata. The source file is only read.
//
// How a moving, resizing box is drawn exactly: a box's keyframe spans are grouped into segments in
// which its size changes little; in a segment the effect region has the segment's largest size
// (so it always covers the interpolated box) and its top-left corner follows the keyframes by a
// piecewise-linear expression of t, evaluated per frame by `crop` (what is hidden) and `overlay`
// (where it goes), enabled only while the segment lasts. The effect filters are enabled only then too.
import { ffmpegHead, inputOptionsFor } from './decode-check.js';
import { fileUrl, type MediaTools } from './media-tools.js';
import { MediaInputError, type MediaProbe } from './media-types.js';
import { probe as probeFile } from './probe.js';
import { requirePlayable, tempPathNear, threadCount } from './proxy.js';
import { lastLines, MediaProcessError, ProgressParser, runTool } from './run-tool.js';
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface RedactKeyframe {
  t: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What to render (the shape of a `custodia-redaction/1` recipe; fractions of the frame, seconds of the source). */
export interface RedactionPlan {
  boxes: readonly { effect: 'blur' | 'pixelate' | 'fill'; colour: string; keyframes: readonly RedactKeyframe[] }[];
  audio: { mute: readonly { start: number; end: number }[]; bleep: boolean };
  clip: { start: number; end: number } | null;
  /** Regions (fractions of the frame) whose original pixels are put back over any box: the burned-in clock and label. */
  keep: readonly { x: number; y: number; w: number; h: number }[];
}

export interface RedactOptions {
  probe: MediaProbe;
  signal?: AbortSignal;
  onProgress?: (seconds: number) => void;
  timeoutMs?: number;
  /** x264 quality (default 20) and preset (default veryfast). */
  crf?: number;
  preset?: string;
}

export interface RedactResult {
  width: number;
  height: number;
  durationSec: number;
  hasAudio: boolean;
  /** Effect segments drawn (one crop+effect+overlay each). */
  segments: number;
  /** The ffmpeg arguments (the filter graph is given as `-filter_complex_script <graph>`) and the graph. */
  args: string[];
  graph: string;
}

/**
 * Keyframes per segment at most: ffmpeg's expression parser gives up at about a hundred terms
 * (measured with 5.1: 95 pass, 100 fail), so one expression holds at most 39 spans.
 */
const MAX_SEGMENT_KEYFRAMES = 40;
/**
 * A segment's largest box may be this much larger than its smallest, per side: the region drawn is the
 * largest, so it may hide up to this much more than the box at some instants (never less). Fewer,
 * larger segments render faster (see bench/redaction.bench.mjs).
 */
const MAX_SIZE_RATIO = 1.5;

const num = (n: number): string => {
  const s = n.toFixed(4).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
const num6 = (n: number): string => n.toFixed(6).replace(/\.?0+$/, '');
const evenUp = (n: number): number => 2 * Math.ceil(n / 2);

/**
 * Piecewise-linear expression of `T` through the points (t, v), held constant outside them, as a flat
 * sum `v0 + s0*clip(T-t0,0,d0) + s1*clip(T-t1,0,d1) + …` (slope × time spent in each span): ffmpeg's
 * expression parser refuses deep nesting (about a hundred levels), a sum is parsed iteratively.
 */
export function piecewiseExpr(points: readonly { t: number; v: number }[], T: string): string {
  const first = points[0]!;
  const terms = [num(first.v)];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const slope = (b.v - a.v) / (b.t - a.t);
    if (Math.abs(slope) < 1e-9) continue;
    terms.push(`${slope < 0 ? '-' : ''}${num6(Math.abs(slope))}*clip(${T}-${num(a.t)},0,${num(b.t - a.t)})`);
  }
  return terms.join('+').replace(/\+-/g, '-');
}

export interface EffectSegment {
  effect: 'blur' | 'pixelate' | 'fill';
  colour: string;
  /** Source seconds during which the segment is drawn. */
  start: number;
  end: number;
  /** Region size in pixels (even). */
  w: number;
  h: number;
  /** Top-left corner expressions of t (pixels). */
  x: string;
  y: string;
}

/**
 * The effect segments of a plan for a W×H frame; `offset` is the clip start (t = source seconds − offset).
 * Fractions map to pixels of the W×H picture; regions may reach the padded frame (an odd size is padded
 * by one column or row, see `paddedSize`), so a box touching the far edge covers the last column and row.
 */
export function effectSegments(plan: Pick<RedactionPlan, 'boxes'>, W: number, H: number, offset: number, frameSec: number): EffectSegment[] {
  const out: EffectSegment[] = [];
  const FW = evenUp(W);
  const FH = evenUp(H);
  const T = offset > 0 ? `(t+${num(offset)})` : 't';
  for (const box of plan.boxes) {
    const ks = box.keyframes;
    let i = 0;
    while (i < ks.length - 1) {
      let j = i + 1;
      let minW = Math.min(ks[i]!.w, ks[j]!.w);
      let maxW = Math.max(ks[i]!.w, ks[j]!.w);
      let minH = Math.min(ks[i]!.h, ks[j]!.h);
      let maxH = Math.max(ks[i]!.h, ks[j]!.h);
      while (j + 1 < ks.length && j + 1 - i < MAX_SEGMENT_KEYFRAMES) {
        const k = ks[j + 1]!;
        const nMaxW = Math.max(maxW, k.w);
        const nMinW = Math.min(minW, k.w);
        const nMaxH = Math.max(maxH, k.h);
        const nMinH = Math.min(minH, k.h);
        if (nMaxW > MAX_SIZE_RATIO * nMinW || nMaxH > MAX_SIZE_RATIO * nMinH) break;
        [maxW, minW, maxH, minH] = [nMaxW, nMinW, nMaxH, nMinH];
        j += 1;
      }
      const span = ks.slice(i, j + 1);
      // +4 px: the corner is moved down to even (and by a hair, for the expression's rounding of
      // its numbers), so the far edge needs that much more to stay covered.
      const w = Math.min(evenUp(maxW * W + 4), FW);
      const h = Math.min(evenUp(maxH * H + 4), FH);
      const corner = (pts: { t: number; v: number }[], size: number, full: number) =>
        `clip(2*floor((${piecewiseExpr(pts, T)}-0.01)/2),0,${2 * Math.floor((full - size) / 2)})`;
      out.push({
        effect: box.effect,
        colour: box.colour,
        // A frame that starts just before a keyframe still shows the box: one frame earlier.
        start: Math.max(0, span[0]!.t - frameSec),
        end: span[span.length - 1]!.t,
        w: Math.max(2, w),
        h: Math.max(2, h),
        x: corner(span.map((k) => ({ t: k.t, v: k.x * W })), w, FW),
        y: corner(span.map((k) => ({ t: k.t, v: k.y * H })), h, FH),
      });
      i = j;
    }
  }
  return out;
}

function effectFilter(s: EffectSegment, enable: string): string {
  switch (s.effect) {
    case 'blur': {
      // Three passes of a box blur (close to a Gaussian), radius a quarter of the region's smaller side.
      const r = Math.max(1, Math.min(Math.floor(Math.min(s.w, s.h) / 4), Math.floor(Math.min(s.w, s.h) / 2)));
      const cr = Math.max(0, Math.min(Math.floor(r / 2), Math.floor(Math.min(s.w, s.h) / 4)));
      return `boxblur=luma_radius=${r}:luma_power=3:chroma_radius=${cr}:chroma_power=3:enable='${enable}'`;
    }
    case 'pixelate': {
      const block = Math.max(4, Math.round(Math.min(s.w, s.h) / 6));
      return `pixelize=width=${block}:height=${block}:mode=avg:enable='${enable}'`;
    }
    case 'fill':
      return `drawbox=x=0:y=0:w=iw:h=ih:color=0x${s.colour.replace('#', '')}:t=fill:enable='${enable}'`;
  }
}

const rangesExpr = (ranges: readonly { start: number; end: number }[], offset: number): string =>
  ranges.map((r) => `between(t,${num(Math.max(0, r.start - offset))},${num(r.end - offset)})`).join('+');

/**
 * The frame the graph draws on and encodes: the decoded picture padded to even width and height
 * (H.264 4:2:0 needs both even; libx264 refuses an odd size), one black column or row on the far
 * side, so no pixel of the source is lost and effect regions can reach the last source column/row.
 */
export function paddedSize(W: number, H: number): { width: number; height: number } {
  return { width: evenUp(W), height: evenUp(H) };
}

/**
 * Every overlay's second input is a crop of the same decoded frame, so the two inputs pair one to
 * one and the last overlay picture never needs repeating. With the default `repeatlast=1` ffmpeg
 * 5.1's frame sync keeps a reference to each main frame and copies the whole picture before every
 * overlay draws — active or not (about 0.6 ms per overlay per 720p frame: the bulk of a redaction's
 * filter time). `repeatlast=0` leaves the frame writable in place; the output is bit-identical
 * (frame MD5s compared) and the filter time drops by 59 % (docs/benchmarks.md).
 */
const ONE_TO_ONE = 'repeatlast=0';

/** The -filter_complex graph and the output labels to map. */
export function buildRedactionGraph(plan: RedactionPlan, probe: Pick<MediaProbe, 'video' | 'audio' | 'durationSec'>, W: number, H: number): { graph: string; video: string; audio: string | null; segments: number } {
  const offset = plan.clip?.start ?? 0;
  const fps = probe.video?.fps && probe.video.fps > 0 ? probe.video.fps : 25;
  const segments = effectSegments(plan, W, H, offset, 1 / fps);
  const keep = plan.keep.map((k) => {
    const x = 2 * Math.floor((k.x * W) / 2);
    const y = 2 * Math.floor((k.y * H) / 2);
    return { x, y, w: Math.min(evenUp((k.x + k.w) * W) - x, evenUp(W) - x), h: Math.min(evenUp((k.y + k.h) * H) - y, evenUp(H) - y) };
  }).filter((k) => k.w >= 2 && k.h >= 2);
  const chains: string[] = [];
  const pad = W % 2 === 1 || H % 2 === 1 ? [`pad=w=${evenUp(W)}:h=${evenUp(H)}:x=0:y=0:color=black`] : [];
  const pre = [...(probe.video?.interlaced ? ['bwdif=mode=send_frame:parity=auto:deint=interlaced'] : []), 'setsar=1', ...pad, 'format=yuv420p'];
  const branches = segments.length + keep.length;
  if (branches === 0) chains.push(`[0:v:0]${pre.join(',')}[vout]`);
  else {
    chains.push(`[0:v:0]${pre.join(',')},split=${branches + 1}[v0]${Array.from({ length: branches }, (_, i) => `[s${i}]`).join('')}`);
    let cur = 'v0';
    segments.forEach((s, i) => {
      const enable = `between(t,${num(s.start - offset)},${num(s.end - offset)})`;
      chains.push(`[s${i}]crop=w=${s.w}:h=${s.h}:x='${s.x}':y='${s.y}':exact=1,${effectFilter(s, enable)}[e${i}]`);
      const next = `v${i + 1}`;
      chains.push(`[${cur}][e${i}]overlay=x='${s.x}':y='${s.y}':eval=frame:${ONE_TO_ONE}:enable='${enable}'[${next}]`);
      cur = next;
    });
    keep.forEach((k, n) => {
      const i = segments.length + n;
      chains.push(`[s${i}]crop=w=${k.w}:h=${k.h}:x=${k.x}:y=${k.y}:exact=1[k${n}]`);
      const next = `v${i + 1}`;
      chains.push(`[${cur}][k${n}]overlay=x=${k.x}:y=${k.y}:${ONE_TO_ONE}[${next}]`);
      cur = next;
    });
    chains[chains.length - 1] = chains[chains.length - 1]!.replace(/\[[^\]]+\]$/, '[vout]');
  }
  let audio: string | null = null;
  if (probe.audio) {
    const a: string[] = [];
    if (plan.audio.mute.length > 0) a.push(`volume=volume=0:enable='${rangesExpr(plan.audio.mute, offset)}'`);
    if (plan.audio.bleep && plan.audio.mute.length > 0) {
      const dur = num((plan.clip ? plan.clip.end - plan.clip.start : (probe.durationSec ?? 0)) + 1);
      chains.push(`[0:a:0]${[...a, 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo'].join(',')}[am]`);
      const tone = `0.2*sin(2*PI*1000*t)*gt(${rangesExpr(plan.audio.mute, offset)},0)`;
      chains.push(`aevalsrc=exprs='${tone}|${tone}':sample_rate=48000:channel_layout=stereo:duration=${dur}[tone]`);
      chains.push(`[am][tone]amix=inputs=2:duration=first:normalize=0[aout]`);
    } else chains.push(`[0:a:0]${a.length > 0 ? a.join(',') : 'anull'}[aout]`);
    audio = '[aout]';
  }
  return { graph: chains.join(';\n'), video: '[vout]', audio, segments: segments.length };
}

/** The frame size the filter graph sees: the decoded picture, after rotation. */
export function decodedSize(probe: MediaProbe): { width: number; height: number } {
  const v = probe.video;
  if (!v || !(v.width > 0 && v.height > 0)) throw new MediaInputError('no-video-stream', 'Cannot redact: the file has no picture.');
  return v.rotation === 90 || v.rotation === 270 ? { width: v.height, height: v.width } : { width: v.width, height: v.height };
}

export function encoderArgs(probe: MediaProbe, crf: number, preset: string, withAudio: boolean): string[] {
  const gop = String(Math.max(1, Math.round(2 * (probe.video?.fps ?? 25))));
  const args = ['-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', gop, '-threads', String(threadCount())];
  if (withAudio) args.push('-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2');
  args.push('-sn', '-dn', '-map_metadata', '-1', '-map_metadata:s', '-1', '-map_chapters', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
    '-max_muxing_queue_size', '4096', '-movflags', '+faststart', '-f', 'mp4');
  return args;
}

/** Input options for the clip range (accurate seek: ffmpeg decodes from the keyframe before and drops up to `start`). */
export function clipInputArgs(clip: RedactionPlan['clip']): string[] {
  return clip ? ['-ss', num(clip.start), '-t', num(clip.end - clip.start)] : [];
}

/**
 * Renders the redacted copy of `input` to `output` (written beside it first, checked with ffprobe,
 * then renamed into place; nothing is left behind on failure).
 */
export async function renderRedaction(tools: MediaTools, input: string, output: string, plan: RedactionPlan, opts: RedactOptions): Promise<RedactResult> {
  const { probe } = opts;
  requirePlayable(probe, 'a redaction');
  const { width, height } = decodedSize(probe);
  if (plan.clip && probe.durationSec !== null && plan.clip.start >= probe.durationSec) {
    throw new MediaInputError('unknown-format', `Cannot redact: the clip starts at ${plan.clip.start} s, after the end of the video (${probe.durationSec.toFixed(3)} s).`);
  }
  const g = buildRedactionGraph(plan, probe, width, height);
  const tmp = tempPathNear(output, '.mp4');
  // The graph goes in a file: with many keyframes it outgrows one command-line argument (128 KiB).
  const script = resolve(tempPathNear(output, '.filtergraph'));
  await writeFile(script, g.graph, { mode: 0o600 });
  const args = [...ffmpegHead(), '-threads', String(threadCount()), ...inputOptionsFor(probe.container, probe.video?.fps ?? null), ...clipInputArgs(plan.clip), '-i', fileUrl(input),
    // One filter thread: the graph is dozens of filters on small crops per frame, where slice
    // threading costs more in hand-offs than it saves (measured: wall 1.86× → 1.57× the plain
    // re-encode on an idle machine, ffmpeg CPU 1.54× → 1.45×; docs/benchmarks.md).
    '-filter_complex_threads', '1', '-filter_complex_script', script, '-map', g.video, ...(g.audio ? ['-map', g.audio] : []), ...encoderArgs(probe, opts.crf ?? 20, opts.preset ?? 'veryfast', g.audio !== null), fileUrl(tmp)];
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000 + 4000 * (probe.durationSec ?? 3600);
  try {
    const progress = new ProgressParser(opts.onProgress);
    const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs, onStdoutLine: progress.line });
    if (r.code !== 0) throw new MediaProcessError(`ffmpeg could not render the redaction (exit code ${r.code}): ${lastLines(r.stderrTail, 3, 600)}`, 'ffmpeg', args, r.code, lastLines(r.stderrTail));
    const check = await probeFile(tools, tmp, { signal: opts.signal, decodeDuration: false });
    if (check.status !== 'ok' || check.video?.codec !== 'h264' || !(check.durationSec && check.durationSec > 0)) {
      throw new MediaProcessError(`the rendered redaction does not play: ${check.failure?.message ?? `codec ${check.video?.codec ?? 'none'}`}`, 'ffmpeg', args, r.code, lastLines(r.stderrTail));
    }
    await rename(tmp, output);
    const frame = paddedSize(width, height);
    return { width: frame.width, height: frame.height, durationSec: check.durationSec, hasAudio: check.audio !== null, segments: g.segments, graph: g.graph, args: args.map((a) => (a === fileUrl(tmp) ? fileUrl(output) : a === script ? '<graph>' : a)) };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await rm(script, { force: true });
  }
}
