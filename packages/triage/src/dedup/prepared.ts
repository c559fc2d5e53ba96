// A fingerprint in the form matching works on: hashes as 32-bit halves in typed arrays, and each
// frame's *activity* — how much the picture differs from the empty scene while something moves.
//
// Why activity: on a fixed CCTV camera most frames show the same empty corridor and hash alike, so
// two different recordings of that camera agree frame by frame almost everywhere. Only frames where
// something moves (or the light changes) say which recording this is. A frame's activity is the
// smaller of
//   - its Hamming distance to the background: the bitwise majority of the hashes within
//     ±ACTIVITY_WINDOW_SEC (large while someone is in view), and
//   - its distance to the frames MOTION_LAG_SEC before and after it, whichever is larger (large
//     while something moves).
// The second term keeps static frames static when the window's majority is skewed (a short clip in
// which someone stands for most of the time makes the empty frames look "different").
import { hamming64, hexToHash } from './frame-hash.js';
import type { VideoFingerprint } from './fingerprint.js';

/** Half-width of the window whose bitwise-majority hash is a frame's background, seconds. */
export const ACTIVITY_WINDOW_SEC = 8;
/**
 * A frame whose activity reaches its recording's threshold shows movement ("moving frame"). The
 * threshold adapts to the recording's own noise: MOVING_BITS_MIN on a clean static camera (a dark
 * figure against a dark wall changes few bits), up to MOVING_BITS on noisy or busy footage.
 */
export const MOVING_BITS = 8;
export const MOVING_BITS_MIN = 5;
/** Lag over which a frame's change is measured, seconds. */
export const MOTION_LAG_SEC = 1;

export interface PreparedFingerprint {
  readonly fps: number;
  readonly algorithm: string;
  readonly length: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** Per frame: min(bits from the local background, bits from the frames MOTION_LAG_SEC away); 0 for blank frames. */
  readonly activity: Uint8Array;
  /** This recording's moving-frame threshold, MOVING_BITS_MIN…MOVING_BITS: 4 + 2 × its median activity. */
  readonly movingBits: number;
  /** Number of moving frames (activity ≥ movingBits, not blank). */
  readonly movingFrames: number;
}

const cache = new WeakMap<VideoFingerprint, PreparedFingerprint>();

/** Checks a fingerprint's shape (it may come from JSON) and converts it. Cached per object. */
export function prepareFingerprint(fp: VideoFingerprint): PreparedFingerprint {
  const hit = cache.get(fp);
  if (hit) return hit;
  if (fp === null || typeof fp !== 'object' || fp.version !== 1) throw new TypeError('not a version-1 video fingerprint');
  if (!(Number.isFinite(fp.fps) && fp.fps > 0)) throw new TypeError(`fingerprint fps must be positive, got ${String(fp.fps)}`);
  if (!Array.isArray(fp.hashes)) throw new TypeError('fingerprint hashes must be an array of 16-hex-character strings');
  const n = fp.hashes.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const [h, l] = hexToHash(fp.hashes[i]!);
    hi[i] = h;
    lo[i] = l;
  }
  const prepared = prepareHalves(hi, lo, fp.fps, fp.algorithm ?? 'phash');
  cache.set(fp, prepared);
  return prepared;
}

/** Builds the prepared form from hash halves (the arrays are kept, not copied). */
export function prepareHalves(hi: Uint32Array, lo: Uint32Array, fps: number, algorithm = 'phash'): PreparedFingerprint {
  const activity = computeActivity(hi, lo, Math.max(1, Math.round(ACTIVITY_WINDOW_SEC * fps)));
  const motion = computeMotion(hi, lo, Math.max(1, Math.round(MOTION_LAG_SEC * fps)));
  for (let i = 0; i < activity.length; i++) activity[i] = Math.min(activity[i]!, motion[i]!);
  const movingBits = Math.min(MOVING_BITS, Math.max(MOVING_BITS_MIN, 4 + 2 * median(activity)));
  let moving = 0;
  for (let i = 0; i < activity.length; i++) if (activity[i]! >= movingBits) moving++;
  return { fps, algorithm, length: hi.length, hi, lo, activity, movingBits, movingFrames: moving };
}

function median(v: Uint8Array): number {
  if (v.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (let i = 0; i < v.length; i++) counts[v[i]!]!++;
  let seen = 0;
  for (let x = 0; x < 256; x++) {
    seen += counts[x]!;
    if (seen * 2 >= v.length) return x;
  }
  return 255;
}

/**
 * Distance of every frame to its background: the bitwise majority of the non-blank hashes in a window
 * of 2w + 1 frames around it (shifted inwards near the ends, so that it keeps its size).
 */
export function computeActivity(hi: Uint32Array, lo: Uint32Array, w: number): Uint8Array {
  const n = hi.length;
  const out = new Uint8Array(n);
  const counts = new Int32Array(64);
  let members = 0;
  const add = (j: number, sign: 1 | -1): void => {
    const h = hi[j]!;
    const l = lo[j]!;
    if (h === 0 && l === 0) return; // blank frames have no say in the background
    members += sign;
    for (let b = 0; b < 32; b++) {
      if ((h >>> b) & 1) counts[b]! += sign;
      if ((l >>> b) & 1) counts[32 + b]! += sign;
    }
  };
  const size = Math.min(n, 2 * w + 1);
  let from = 0; // window is [from, from + size)
  for (let j = 0; j < size; j++) add(j, 1);
  for (let i = 0; i < n; i++) {
    const want = Math.max(0, Math.min(n - size, i - w));
    while (from < want) {
      add(from, -1);
      add(from + size, 1);
      from++;
    }
    const h = hi[i]!;
    const l = lo[i]!;
    if ((h === 0 && l === 0) || members === 0) continue;
    let bh = 0;
    let bl = 0;
    for (let b = 0; b < 32; b++) {
      if (counts[b]! * 2 > members) bh |= 1 << b;
      if (counts[32 + b]! * 2 > members) bl |= 1 << b;
    }
    out[i] = Math.min(255, hamming64(h, l, bh >>> 0, bl >>> 0));
  }
  return out;
}

/** For each frame, the larger of its distances to the frames `lag` before and after it. */
export function computeMotion(hi: Uint32Array, lo: Uint32Array, lag: number): Uint8Array {
  const n = hi.length;
  const out = new Uint8Array(n);
  for (let j = lag; j < n; j++) {
    const d = hamming64(hi[j]!, lo[j]!, hi[j - lag]!, lo[j - lag]!);
    if (d > out[j]!) out[j] = d;
    if (d > out[j - lag]!) out[j - lag] = d;
  }
  return out;
}
