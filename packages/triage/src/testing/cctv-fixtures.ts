// Synthetic fixed-camera CCTV clips with known events, made with ffmpeg's lavfi sources (no
// downloaded samples): a static corridor, temporal sensor noise, slow illumination drift or a sudden
// lights-on step, a burned-in DVR clock ticking every second, a camera label (Latin and Cyrillic),
// and person-sized figures entering, moving and leaving at known times. The activity detector is
// measured on these (recall, precision, speed); the ground truth is returned with each clip.
//
// Needs a font for drawtext: Debian's `fonts-dejavu-core` (/usr/share/fonts/truetype/dejavu/
// DejaVuSans.ttf, which has Cyrillic). Without it the clock and label are drawn through
// fontconfig's default font ("Sans") when drawtext can find one, else clips are made without them.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { lastLines, locateMediaTools, runTool, type MediaTools } from '@custodia/media';
import { hasEncoder } from '@custodia/media/testing';

export type CctvCodec = 'h264' | 'hevc' | 'mjpeg' | 'vp9';

export interface CctvEventSpec {
  /** The figure is visible from startSec to endSec (seconds from the start of the clip). */
  startSec: number;
  endSec: number;
  /** Where the figure comes from: a frame edge, or a doorway in the middle of the scene. Default: by seed. */
  from?: 'left' | 'right' | 'door';
  /** Figure height as a fraction of the frame height (0.10–0.20 is person-sized). Default: by seed. */
  heightFrac?: number;
  /** Seconds the figure stands still (swaying a few pixels) midway. Default 0. */
  pauseSec?: number;
  /** Two figures walking together (an escort). Default false. */
  pair?: boolean;
  /** Clothing luma 0–255. Default: by seed (dark uniform, orange jumpsuit, grey…). */
  luma?: number;
}

export interface CctvClock {
  /** Corner the clock is burned into. Default 'top-left'. */
  position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  /** Wall-clock time at the first frame, Unix seconds (UTC). Default 2024-03-15 14:21:52. */
  startEpoch?: number;
  /** Font size in pixels at 720p (scaled with the frame height). Default 28. */
  fontSize?: number;
  /** Draw the clock on an opaque black box, as many DVRs do. Default false. */
  box?: boolean;
  /**
   * strftime format of the clock (drawtext, C locale), e.g. '%d.%m.%Y %H:%M:%S',
   * '%m/%d/%Y %I:%M:%S %p', '%Y/%m/%d %a %H:%M:%S'. Default '%Y-%m-%d %H:%M:%S'.
   */
  format?: string;
  /** Fixed text before the clock, e.g. a Russian weekday «ПТ». Default none. */
  prefix?: string;
  /** The clock jumps by `bySec` (an edit, a DVR restart) at `atSec` seconds into the clip. */
  jump?: { atSec: number; bySec: number };
  /** Text colour (drawtext). Default 'white'. */
  color?: string;
  /** A black outline around the characters (clock and label), as many DVRs draw them. Default false. */
  outline?: boolean;
}

export interface CctvClipSpec {
  durationSec: number;
  /** Default 1280. */
  width?: number;
  /** Default 720. */
  height?: number;
  /** Default 25. */
  fps?: number;
  /** Default 'h264'. The container follows the file extension (.mp4 .mkv .avi .ts .h264 .hevc). */
  codec?: CctvCodec;
  /** Target bitrate in kb/s (H.264/HEVC). Default 250 (a low-bitrate DVR). */
  bitrateKbps?: number;
  /** MJPEG quality, 2 (best) – 31. Default 8. */
  mjpegQuality?: number;
  /** Keyframe interval in seconds. Default 2 (a common DVR setting). */
  gopSec?: number;
  /** Temporal sensor noise strength (ffmpeg `noise` alls, 0–100). Default 8. */
  noise?: number;
  /** Slow illumination drift: brightness ± amplitude (0–1 of full scale) with this period. */
  drift?: { amplitude: number; periodSec: number };
  /** Sudden lights-on (or off, with a positive `delta`): brightness jumps by -delta → 0 at atSec. */
  lightsStep?: { atSec: number; /** Brightness before the step relative to after, e.g. -0.3. */ delta: number; /** Seconds the change takes. Default 0.12. */ rampSec?: number };
  /** Burned-in DVR clock; false for none. Default: top-left. */
  clock?: CctvClock | false;
  /** Camera label burned into the bottom-left; false for none. Default «CAM 3  КАМЕРА 3». */
  label?: string | false;
  events?: CctvEventSpec[];
  /** Seeds the scene layout and figure defaults. Default 1. */
  seed?: number;
  /** Label font size in pixels at 720p. Default 26. */
  labelFontSize?: number;
  /** The container's creation_time tag (ISO 8601), as a DVR or an export tool writes it. Default none. */
  creationTime?: string;
}

export interface CctvRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CctvClip {
  path: string;
  /** The ground truth: when a figure is visible. */
  events: { startSec: number; endSec: number }[];
  /** The spec with every default filled in. */
  spec: Required<Omit<CctvClipSpec, 'drift' | 'lightsStep' | 'clock' | 'label' | 'creationTime'>> & Pick<CctvClipSpec, 'drift' | 'lightsStep' | 'creationTime'> & {
    clock: (Required<Omit<CctvClock, 'jump'>> & Pick<CctvClock, 'jump'>) | false;
    label: string | false;
  };
  /** Where the clock "YYYY-MM-DD HH:MM:SS" is drawn, in source pixels (width from the font's advances), or null without a clock. */
  clockRect: CctvRect | null;
  /** The "HH:MM:SS" part of it: what ticks. */
  clockTimeRect: CctvRect | null;
  /** Seconds ffmpeg took to make the clip. */
  generationSec: number;
}

/** DejaVuSans (Debian `fonts-dejavu-core`): has Cyrillic, needs no fontconfig. */
export const CCTV_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function cctvRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(4));
const hex2 = (v: number): string => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');

/** The static corridor as a geq luma expression (evaluated once, on a single frame). */
function corridorExpr(w: number, h: number, rnd: () => number): { expr: string; floorY: number; doorX: number } {
  const cx = Math.round(w * (0.42 + rnd() * 0.16));
  const cy = Math.round(h * (0.36 + rnd() * 0.1));
  const base = 110 + Math.round(rnd() * 40);
  const ew = Math.round(w * 0.12);
  const eh = Math.round(h * 0.16);
  // dx: horizontal distance from the vanishing point as a fraction of the half width; dyb/dya:
  // vertical distance below/above it as a fraction of the space below/above.
  const dx = `(abs(X-${cx})/${Math.max(cx, w - cx)})`;
  const dyb = `((Y-${cy})/${h - cy})`;
  const dya = `((${cy}-Y)/${cy})`;
  const endWall = `lt(abs(X-${cx}),${ew})*lt(abs(Y-${cy}),${eh})`;
  const floor = `gt(Y,${cy})*gt(${dyb},${dx})`;
  const ceil = `lt(Y,${cy})*gt(${dya},${dx})`;
  // Floor tiles in perspective, ceiling light panels, wall doors (dark) receding to the end wall.
  const floorV = `(${base - 20}+18*gt(sin(9/(${dyb}+0.04)),0.55)+25*${dyb})`;
  const ceilV = `(${base + 35}+70*gt(sin(7/(${dya}+0.05)),0.85)*lt(${dx},0.35*${dya}))`;
  const wallV = `(${base + 15}-35*${dx}-55*gt(sin(6/(${dx}+0.05)),0.8)*lt(abs(Y-${cy}),0.55*${h - cy}*${dx}+${eh}))`;
  const endV = `(${base - 30}+40*lt(abs(X-${cx}),${Math.round(ew * 0.35)})*gt(Y,${cy - Math.round(eh * 0.4)}))`;
  const expr = `clip(if(${endWall},${endV},if(${floor},${floorV},if(${ceil},${ceilV},${wallV})))+10*random(1)-5,0,255)`;
  // Figures walk with their feet on the floor, below the end wall.
  const floorY = Math.round(cy + eh + (h - cy - eh) * 0.55);
  return { expr, floorY, doorX: cx + Math.round(ew * 2.2 * (rnd() < 0.5 ? -1 : 1)) };
}

interface FigurePlan {
  w: number;
  h: number;
  color: string;
  head: string;
  xExpr: string;
  yExpr: string;
  start: number;
  end: number;
}

/** x(t) for one figure: in from `from`, to a point, pause (swaying), out the other way. */
function figurePlan(ev: CctvEventSpec, w: number, h: number, floorY: number, doorX: number, rnd: () => number, offset: number): FigurePlan {
  const fh = Math.round(h * (ev.heightFrac ?? 0.12 + rnd() * 0.08));
  const fw = Math.max(4, Math.round(fh * (0.34 + rnd() * 0.08)));
  const lumas = [45, 70, 150, 95, 200];
  const luma = ev.luma ?? lumas[Math.floor(rnd() * lumas.length)]!;
  // Orange-ish jumpsuit for bright lumas, dark blue uniform for dark ones (colour is dropped by
  // the grey analysis, luma is what counts).
  const color = luma >= 140 ? `0x${hex2(luma + 60)}${hex2(luma - 20)}${hex2(luma - 90)}` : `0x${hex2(luma - 10)}${hex2(luma)}${hex2(luma + 25)}`;
  const head = '0xc8a080';
  const from = ev.from ?? (['left', 'right', 'door'] as const)[Math.floor(rnd() * 3)]!;
  const s = ev.startSec + offset;
  const e = ev.endSec;
  const pause = Math.max(0, Math.min(ev.pauseSec ?? 0, (e - s) * 0.7));
  const walk = Math.max(0.5, (e - s - pause) / 2);
  const xStart = from === 'left' ? -fw : from === 'right' ? w : doorX - fw / 2;
  const xEnd = from === 'left' ? w : from === 'right' ? -fw : rnd() < 0.5 ? -fw : w;
  const xMid = from === 'door' ? (xStart + xEnd) / 2 : w * (0.3 + rnd() * 0.4);
  const t1 = s + walk;
  const t2 = t1 + pause;
  const sway = Math.max(2, Math.round(fw * 0.15));
  const xExpr =
    `if(lt(t,${num(t1)}),${num(xStart)}+(t-${num(s)})*${num((xMid - xStart) / walk)},` +
    `if(lt(t,${num(t2)}),${num(xMid)}+${sway}*sin(2*PI*t*0.7),` +
    `${num(xMid)}+(t-${num(t2)})*${num((xEnd - xMid) / Math.max(0.5, e - t2))}))`;
  const yBase = floorY - fh + Math.round((rnd() - 0.5) * h * 0.06);
  // A slight bob while walking.
  const yExpr = `${yBase}+${Math.max(1, Math.round(fh * 0.02))}*sin(2*PI*t*1.8)`;
  return { w: fw, h: fh, color, head, xExpr, yExpr, start: s, end: e };
}

function clockText(epoch: number, format = DEFAULT_CLOCK_FORMAT): string {
  // drawtext expansion: %{pts:gmtime:OFFSET:FORMAT}; ':' inside FORMAT is escaped for drawtext
  // (\:) and again for the filter graph (\\\:).
  return `%{pts\\:gmtime\\:${epoch}\\:${format.replace(/:/g, '\\\\\\:')}}`;
}

const DEFAULT_CLOCK_FORMAT = '%Y-%m-%d %H:%M:%S';

/** What drawtext's gmtime expansion shows for `epoch` (the strftime fields the clocks use, C locale). */
export function strftimeUtc(format: string, epoch: number): string {
  const t = new Date(epoch * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const h = t.getUTCHours();
  const f: Record<string, string> = {
    Y: String(t.getUTCFullYear()), m: p(t.getUTCMonth() + 1), d: p(t.getUTCDate()), H: p(h), M: p(t.getUTCMinutes()), S: p(t.getUTCSeconds()),
    I: p(h % 12 === 0 ? 12 : h % 12), p: h < 12 ? 'AM' : 'PM', a: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][t.getUTCDay()]!,
    y: p(t.getUTCFullYear() % 100), '%': '%',
  };
  return format.replace(/%(.)/g, (m, c: string) => f[c] ?? m);
}

/** Approximate DejaVu Sans width of `text` in em. */
function textEm(text: string): number {
  let em = 0;
  for (const ch of text) {
    if (/[0-9]/.test(ch)) em += 0.636;
    else if (ch === '-') em += 0.361;
    else if (ch === ':' || ch === '/') em += 0.337;
    else if (ch === ' ' || ch === '.') em += 0.318;
    else if (/[A-ZА-ЯЁ]/u.test(ch)) em += 0.72;
    else em += 0.6;
  }
  return em;
}

function encoderArgs(spec: CctvClip['spec'], ext: string): string[] {
  const gop = String(Math.max(1, Math.round(spec.gopSec * spec.fps)));
  if (spec.codec === 'mjpeg') return ['-c:v', 'mjpeg', '-q:v', String(spec.mjpegQuality), '-pix_fmt', 'yuvj420p'];
  const rate = `${spec.bitrateKbps}k`;
  const vbv = ['-maxrate', `${Math.round(spec.bitrateKbps * 1.5)}k`, '-bufsize', `${spec.bitrateKbps * 2}k`];
  if (spec.codec === 'vp9') {
    // Realtime settings, as a DVR or a phone would encode; one thread for byte-identical clips.
    return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', rate, ...vbv, '-g', gop, '-keyint_min', gop,
      '-threads', '1', '-row-mt', '0', '-pix_fmt', 'yuv420p'];
  }
  if (spec.codec === 'hevc') {
    return ['-c:v', 'libx265', '-preset', 'ultrafast', '-b:v', rate, ...vbv, '-x265-params', `log-level=error:keyint=${gop}:min-keyint=${gop}:scenecut=0:open-gop=0:pools=none:frame-threads=1`,
      '-pix_fmt', 'yuv420p', ...(ext === '.mp4' ? ['-tag:v', 'hvc1'] : [])];
  }
  // One encoder thread: x264's frame threads under rate control made a different stream on every
  // run on a loaded machine (same pixels in, different artefacts out), so a test could pass or fail
  // depending on the load. Fixtures must be the same bytes every time.
  // ultrafast for speed, but with CABAC and the deblocking filter, as DVRs' Main/High-profile
  // streams have (plain ultrafast is CAVLC without deblocking: unrealistically cheap to decode).
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'cabac=1:deblock=1,0,0', '-profile:v', 'main', '-b:v', rate, ...vbv,
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-threads', '1', '-pix_fmt', 'yuv420p'];
}

let fontWarning = false;

/** Fixed drawtext text, escaped for drawtext and the filter graph. */
function escapeDrawtext(t: string): string {
  return t.replace(/[\\':]/g, (c) => `\\${c}`);
}

export interface CctvClipOptions {
  tools?: MediaTools;
  signal?: AbortSignal;
}

/** Writes one clip to `path` (container from its extension) and returns it with its ground truth. */
export async function makeCctvClip(path: string, specIn: CctvClipSpec, opts: CctvClipOptions = {}): Promise<CctvClip> {
  const tools = opts.tools ?? (await locateMediaTools());
  const clockIn = specIn.clock === undefined ? {} : specIn.clock;
  const spec: CctvClip['spec'] = {
    durationSec: specIn.durationSec,
    width: specIn.width ?? 1280,
    height: specIn.height ?? 720,
    fps: specIn.fps ?? 25,
    codec: specIn.codec ?? 'h264',
    bitrateKbps: specIn.bitrateKbps ?? 250,
    mjpegQuality: specIn.mjpegQuality ?? 8,
    gopSec: specIn.gopSec ?? 2,
    noise: specIn.noise ?? 8,
    drift: specIn.drift,
    lightsStep: specIn.lightsStep,
    clock: clockIn === false ? false : {
      position: clockIn.position ?? 'top-left',
      startEpoch: clockIn.startEpoch ?? 1710512512,
      fontSize: clockIn.fontSize ?? 28,
      box: clockIn.box ?? false,
      format: clockIn.format ?? DEFAULT_CLOCK_FORMAT,
      prefix: clockIn.prefix ?? '',
      jump: clockIn.jump,
      color: clockIn.color ?? 'white',
      outline: clockIn.outline ?? false,
    },
    label: specIn.label === undefined ? 'CAM 3  КАМЕРА 3' : specIn.label,
    events: (specIn.events ?? []).map((e) => ({ ...e })),
    seed: specIn.seed ?? 1,
    labelFontSize: specIn.labelFontSize ?? 26,
    creationTime: specIn.creationTime,
  };
  const { width: w, height: h, fps, durationSec: d } = spec;
  if (!(d > 0)) throw new RangeError('durationSec must be positive');
  for (const e of spec.events) {
    if (!(e.endSec > e.startSec) || e.startSec < 0 || e.endSec > d) throw new RangeError(`event ${e.startSec}–${e.endSec} s is not inside the ${d}-s clip`);
  }
  if (spec.codec === 'hevc' && !(await hasEncoder(tools, 'libx265'))) throw new Error('this ffmpeg has no libx265 encoder: cannot make an HEVC clip');
  const rnd = cctvRandom(spec.seed * 7919 + 17);
  const scene = corridorExpr(w, h, rnd);
  // Pre-roll: the encoder runs this long before the clip starts, and the clip is cut from the
  // encoded stream at a keyframe (as a DVR export is cut from a running recording). A fresh
  // low-bitrate encode ramps its quality over the first second, which would look like movement.
  const P = spec.codec === 'mjpeg' ? 0 : spec.gopSec * Math.ceil(2 / spec.gopSec);
  const D = d + P;
  const scale = h / 720;

  const inputs: string[] = ['-f', 'lavfi', '-i', `color=c=gray:s=${w}x${h}:r=${fps}:d=1`];
  const chains: string[] = [
    `[0:v]format=gray,geq=lum='${scene.expr}',format=yuv420p,loop=loop=-1:size=1,trim=duration=${num(D)},setpts=N/${fps}/TB[bg]`,
  ];
  let last = 'bg';
  let n = 0;
  for (const ev of spec.events) {
    const resolved: CctvEventSpec = { ...ev, startSec: ev.startSec + P, endSec: ev.endSec + P, from: ev.from ?? (['left', 'right', 'door'] as const)[Math.floor(rnd() * 3)]! };
    const figures = [figurePlan(resolved, w, h, scene.floorY, scene.doorX, rnd, 0)];
    // The second of a pair follows a little behind the first.
    if (ev.pair) figures.push(figurePlan(resolved, w, h, scene.floorY, scene.doorX, rnd, Math.min(0.6, (ev.endSec - ev.startSec) * 0.1)));
    for (const f of figures) {
      n += 1;
      inputs.push('-f', 'lavfi', '-i', `color=c=${f.color}:s=${f.w}x${f.h}:r=${fps}:d=${num(D)}`);
      const headH = Math.max(3, Math.round(f.h * 0.17));
      const headW = Math.max(3, Math.round(f.w * 0.55));
      chains.push(`[${n}:v]format=yuv420p,drawbox=x=${Math.round((f.w - headW) / 2)}:y=0:w=${headW}:h=${headH}:c=${f.head}:t=fill[p${n}]`);
      chains.push(`[${last}][p${n}]overlay=x='${f.xExpr}':y='${f.yExpr}':eval=frame:enable='between(t,${num(f.start)},${num(f.end)})'[o${n}]`);
      last = `o${n}`;
    }
  }
  const post: string[] = [];
  const bright: string[] = [];
  if (spec.drift) bright.push(`${num(spec.drift.amplitude)}*sin(2*PI*(t-${P})/${num(spec.drift.periodSec)})`);
  let contrast = '1';
  if (spec.lightsStep) {
    const { atSec, delta } = spec.lightsStep;
    const ramp = Math.max(1 / fps, spec.lightsStep.rampSec ?? 0.12);
    const k = `clip((t-${num(atSec + P)})/${num(ramp)},0,1)`;
    bright.push(`${num(delta)}*(1-${k})`);
    // A darker scene is also flatter (less contrast) before the lights come on.
    contrast = `(1-${num(Math.min(0.5, Math.abs(delta)))}*(1-${k}))`;
  }
  if (bright.length > 0) post.push(`eq=brightness='${bright.join('+')}':contrast='${contrast}':eval=frame`);
  if (spec.noise > 0) post.push(`noise=alls=${num(spec.noise)}:allf=t`);
  const font = existsSync(CCTV_FONT_FILE) ? `fontfile=${CCTV_FONT_FILE}` : 'font=Sans';
  if (!existsSync(CCTV_FONT_FILE) && !fontWarning) {
    fontWarning = true;
    process.emitWarning(`${CCTV_FONT_FILE} is missing (apt-get install fonts-dejavu-core): clock and label use fontconfig's Sans`);
  }
  let clockRect: CctvRect | null = null;
  let clockTimeRect: CctvRect | null = null;
  if (spec.clock) {
    const fs = Math.max(8, Math.round(spec.clock.fontSize * scale));
    const margin = Math.round(24 * scale);
    // DejaVu Sans advances (em): digits 0.636, '-' 0.361, ':' 0.337, ' ' 0.318.
    const shown = `${spec.clock.prefix ? `${spec.clock.prefix} ` : ''}${strftimeUtc(spec.clock.format, spec.clock.startEpoch)}`;
    const textW = Math.round(fs * textEm(shown));
    const timeW = Math.round(fs * (6 * 0.636 + 2 * 0.337));
    const pos = spec.clock.position;
    const x = pos.endsWith('left') ? margin : w - margin - textW;
    const y = pos.startsWith('top') ? margin : h - margin - fs;
    const box = spec.clock.box ? `:box=1:boxcolor=black:boxborderw=${Math.max(2, Math.round(4 * scale))}` : '';
    const text = (epoch: number) => `${spec.clock && spec.clock.prefix ? `${escapeDrawtext(spec.clock.prefix)} ` : ''}${clockText(epoch, spec.clock ? spec.clock.format : undefined)}`;
    const border = spec.clock.outline ? `:borderw=${Math.max(1, Math.round(fs / 14))}:bordercolor=black` : '';
    const draw = `drawtext=${font}:fontsize=${fs}:fontcolor=${spec.clock.color}:x=${x}:y=${y}${box}${border}`;
    const jump = spec.clock.jump;
    if (jump) {
      const at = num(jump.atSec + P);
      post.push(`${draw}:text='${text(spec.clock.startEpoch - P)}':enable='lt(t,${at})'`);
      post.push(`${draw}:text='${text(spec.clock.startEpoch - P + jump.bySec)}':enable='gte(t,${at})'`);
    } else post.push(`${draw}:text='${text(spec.clock.startEpoch - P)}'`);
    clockRect = { x, y, w: textW, h: Math.round(fs * 0.95) };
    clockTimeRect = { x: x + textW - timeW, y, w: timeW, h: Math.round(fs * 0.95) };
  }
  if (spec.label) {
    const fs = Math.max(8, Math.round(spec.labelFontSize * scale));
    const margin = Math.round(24 * scale);
    const y = spec.clock && spec.clock.position.startsWith('bottom') ? margin : h - margin - fs;
    const x = spec.clock && spec.clock.position === 'bottom-left' ? w - margin - Math.round(fs * 0.62 * spec.label.length) : margin;
    const border = spec.clock && spec.clock.outline ? `:borderw=${Math.max(1, Math.round(fs / 14))}:bordercolor=black` : '';
    post.push(`drawtext=${font}:fontsize=${fs}:fontcolor=white:x=${x}:y=${y}${border}:text='${escapeDrawtext(spec.label)}'`);
  }
  chains.push(`[${last}]${post.length > 0 ? post.join(',') : 'null'}[out]`);

  const ext = extname(path).toLowerCase();
  const muxer: string[] = ext === '.h264' ? ['-f', 'h264'] : ext === '.hevc' ? ['-f', 'hevc'] : ext === '.ts' ? ['-f', 'mpegts'] : [];
  const encoded = P > 0 ? `${path}.preroll.mkv` : path;
  const meta = spec.creationTime ? ['-metadata', `creation_time=${spec.creationTime}`] : [];
  const args = [
    // One filter thread: geq's random() keeps a state per thread, and which slice a thread draws
    // depends on scheduling, so the scene's texture changed with the machine's load.
    '-nostdin', '-hide_banner', '-v', 'error', '-y', '-filter_complex_threads', '1',
    ...inputs,
    '-filter_complex', chains.join(';'),
    '-map', '[out]', '-r', String(fps),
    ...encoderArgs(spec, ext),
    ...(P > 0 ? [] : [...(ext === '.mp4' ? ['-movflags', '+faststart'] : []), ...muxer, ...meta]),
    encoded,
  ];
  const started = Date.now();
  try {
    const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`ffmpeg could not make the CCTV clip ${path}: ${lastLines(r.stderrTail)}`);
    if (P > 0) {
      // Cut at the keyframe at P seconds, without re-encoding. ffmpeg starts a stream copy at the
      // last keyframe before the seek point, found by decoding timestamps, which B-frames put a
      // little before the keyframe's own time: so seek to P + half a GOP.
      const cut = await runTool(tools.ffmpeg, [
        '-nostdin', '-hide_banner', '-v', 'error', '-y', '-ss', String(P + Math.min(0.5, spec.gopSec / 2)), '-i', encoded, '-map', '0:v:0', '-c', 'copy',
        ...(ext === '.mp4' ? ['-movflags', '+faststart'] : []), ...muxer, ...meta, path,
      ], { signal: opts.signal, timeoutMs: 120_000 });
      if (cut.code !== 0) throw new Error(`ffmpeg could not cut the CCTV clip ${path}: ${lastLines(cut.stderrTail)}`);
    }
    // The ground truth holds only if the clip is exactly as long as asked (the cut at a keyframe).
    const count = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets',
      '-of', 'csv=p=0', path], { signal: opts.signal, timeoutMs: 60_000, maxStdoutBytes: 4096 });
    const packets = Number.parseInt(count.stdout.trim(), 10);
    if (!(Math.abs(packets - d * fps) <= 1)) throw new Error(`the CCTV clip ${path} has ${packets} frames, expected ${d * fps}: the cut at ${P} s went wrong`);
  } finally {
    if (P > 0) await rm(encoded, { force: true });
  }
  return {
    path,
    events: spec.events.map((e) => ({ startSec: e.startSec, endSec: e.endSec })),
    spec,
    clockRect,
    clockTimeRect,
    generationSec: (Date.now() - started) / 1000,
  };
}
