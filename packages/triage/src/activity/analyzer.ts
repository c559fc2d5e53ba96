// The per-frame state machine of the activity detector: frames arrive one by one (constant memory
// whatever the length), each is compared with one from about a second earlier, and the movement
// found goes into a per-second curve.
//
// - Learning window: the first `learnSec` seconds are buffered (a few MB at most) and used to find
//   burned-in overlays that tick (the DVR clock); they are then replayed with that mask.
// - Repeats are skipped: when only keyframes are decoded, ffmpeg's fps filter repeats a keyframe
//   until the next one, byte for byte, so comparisons are always between two real keyframes.
// - Reference frame: the latest (distinct) frame at least `lagSec` earlier.
// - A pair (ref at t0, current at t1) is credited to the second holding (t0 + t1) / 2, which puts a
//   figure that enters at S and leaves at E into about [S − lag/2, E + lag/2]; a pair more than a
//   second long (sparse keyframes) is credited to the seconds around its middle.
import { DEFAULT_MOTION_PARAMS, FrameDiffer, type MotionParams } from './motion.js';
import { DEFAULT_OVERLAY_PARAMS, OverlayLearner, type OverlayParams, type MaskRect } from './overlay-mask.js';

export interface AnalyzerParams {
  motion: MotionParams;
  overlay: OverlayParams;
  /** Seconds between the frames compared. */
  lagSec: number;
  /** Seconds buffered at the start to find ticking overlays. */
  learnSec: number;
  /** Moving area (fraction of the picture) that scores 1 − 1/e ≈ 0.63. */
  refArea: number;
  /** Overlay learning counts only changes above this many grey levels at 320x180 (burned-in text is
   *  high-contrast), proportionally less at smaller sizes (thin strokes are averaged away). */
  overlayLevel: number;
}

export const DEFAULT_ANALYZER_PARAMS: AnalyzerParams = {
  motion: DEFAULT_MOTION_PARAMS,
  overlay: DEFAULT_OVERLAY_PARAMS,
  lagSec: 1,
  learnSec: 20,
  refArea: 0.002,
  overlayLevel: 20,
};

/** Frames kept for the reference search: a few seconds at most. */
const HISTORY_SEC = 4;
/** At most this many global-change seconds are reported. */
const MAX_GLOBAL = 1000;

interface Slot {
  data: Uint8Array;
  t: number;
}

export interface PairTrace {
  t0: number;
  t1: number;
  changedFrac: number;
  movingFrac: number;
  global: boolean;
  sigma: number;
  threshold: number;
}

export class ActivityAnalyzer {
  readonly curve: number[] = [];
  /** Seconds in which the whole picture changed at once (lights, camera moved, cut). */
  readonly globalChanges: number[] = [];
  masked: MaskRect[] = [];
  frames = 0;
  lastTime = 0;
  /** Longest run of identical consecutive frames seen after the first change (keyframe-only decoding repeats frames). */
  maxRepeat = 1;
  /** Frames the first picture lasted: the decoder's padding back to 0 plus its own gap, counted apart. */
  leadingRun = 1;
  private run = 1;
  private leading = true;
  private readonly differ: FrameDiffer;
  private mask: Uint8Array | null = null;
  private learning: Slot[] | null = [];
  private readonly ring: Slot[];
  private ringNext = 0;
  private prev: Uint8Array | null = null;
  private readonly pixels: number;
  private readonly overlayLevel: number;

  constructor(
    readonly width: number,
    readonly height: number,
    /** Frames per second of the stream analysed. */
    readonly rate: number,
    readonly params: AnalyzerParams = DEFAULT_ANALYZER_PARAMS,
    /** Called with every pair compared (benchmarks, tuning). */
    private readonly trace?: (p: PairTrace) => void,
  ) {
    this.pixels = width * height;
    this.overlayLevel = params.overlayLevel * Math.min(1, Math.sqrt(this.pixels / 57600));
    this.differ = new FrameDiffer(width, height, params.motion);
    this.differ.tailMemory = Math.max(1, Math.round(rate * params.lagSec));
    const slots = Math.max(2, Math.ceil(rate * Math.max(HISTORY_SEC, params.lagSec * 2)) + 2);
    this.ring = Array.from({ length: slots }, () => ({ data: new Uint8Array(this.pixels), t: -Infinity }));
  }

  /** Adds frame number `frames` (at frames / rate seconds). The buffer may be reused afterwards. */
  push(frame: Uint8Array): void {
    const t = this.frames / this.rate;
    this.frames += 1;
    this.lastTime = t;
    if (this.prev !== null && equalBytes(this.prev, frame)) {
      // A repeat (keyframe-only decoding, or a duplicated frame): nothing new to compare.
      this.run += 1;
      if (this.leading) this.leadingRun = this.run;
      else this.maxRepeat = Math.max(this.maxRepeat, this.run);
      return;
    }
    if (this.prev !== null) this.leading = false;
    this.run = 1;
    if (this.prev === null) this.prev = new Uint8Array(this.pixels);
    this.prev.set(frame);
    if (this.learning !== null) {
      this.learning.push({ data: Uint8Array.from(frame), t });
      if (t >= this.params.learnSec) this.endLearning();
      return;
    }
    this.process(frame, t);
  }

  /** Call after the last frame. */
  finish(): void {
    if (this.learning !== null) this.endLearning();
  }

  private endLearning(): void {
    const buffered = this.learning ?? [];
    this.learning = null;
    const learner = new OverlayLearner(this.width, this.height, this.params.overlay);
    // About one pair per second is enough to see a clock tick (and 5× cheaper at 5 frames/s).
    let nextT = -Infinity;
    for (let i = 0; i < buffered.length; i++) {
      const cur = buffered[i]!;
      if (cur.t < nextT) continue;
      const ref = findRef(buffered, i, cur.t, this.params.lagSec);
      if (!ref) continue;
      const r = this.differ.diff(ref.data, cur.data, null, false, this.overlayLevel);
      if (!r.global) learner.add(this.differ.changed);
      nextT = cur.t + 1 - 0.5 / this.rate;
    }
    const found = learner.finish();
    this.mask = found.mask;
    this.masked = found.rects;
    this.differ.reset();
    for (const s of buffered) this.process(s.data, s.t);
  }

  private process(frame: Uint8Array, t: number): void {
    // The reference: the latest frame at least lagSec earlier.
    let ref: Slot | null = null;
    for (const s of this.ring) {
      if (s.t !== -Infinity && s.t <= t - this.params.lagSec + 1e-6 && (ref === null || s.t > ref.t)) ref = s;
    }
    if (ref !== null) {
      const r = this.differ.diff(ref.data, frame, this.mask, true);
      // Credit the middle of the pair; a pair spanning more than a second (sparse keyframes)
      // covers the seconds around its middle so that the curve has no holes.
      const mid = (ref.t + t) / 2;
      const hw = Math.max(0, (t - ref.t) / 2 - 0.5);
      const lo = Math.max(0, Math.floor(mid - hw));
      const hi = Math.max(lo, Math.floor(mid + hw - 1e-6));
      while (this.curve.length <= hi) this.curve.push(0);
      if (r.global) {
        if (this.globalChanges.length < MAX_GLOBAL && this.globalChanges[this.globalChanges.length - 1] !== lo) this.globalChanges.push(lo);
      } else {
        const score = 1 - Math.exp(-r.movingFrac / this.params.refArea);
        for (let s = lo; s <= hi; s++) if (score > this.curve[s]!) this.curve[s] = score;
      }
      this.trace?.({ t0: ref.t, t1: t, ...r });
    }
    const slot = this.ring[this.ringNext]!;
    slot.data.set(frame);
    slot.t = t;
    this.ringNext = (this.ringNext + 1) % this.ring.length;
  }
}

function findRef(buf: readonly Slot[], i: number, t: number, lagSec: number): Slot | null {
  for (let j = i - 1; j >= 0; j--) {
    const s = buf[j]!;
    if (s.t <= t - lagSec + 1e-6) return s;
  }
  return null;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}
