// A fingerprint in the form matching works on: hashes as 32-bit halves in typed arrays, and each
// frame's *activity* — how far its hash is from the local background of its own recording.
//
// Why activity: on a fixed CCTV camera most frames show the same empty corridor and hash alike, so
// two different recordings of that camera agree frame by frame almost everywhere. Only frames where
// something moves (or the light changes) say which recording this is. The background is the bitwise
// majority of the hashes within ±ACTIVITY_WINDOW_SEC; a frame's activity is its Hamming distance to it.
import { hamming64, hexToHash, popcount32 } from './frame-hash.js';
import type { VideoFingerprint } from './fingerprint.js';

/** Half-width of the window whose bitwise-majority hash is a frame's background, seconds. */
export const ACTIVITY_WINDOW_SEC = 8;
/** A frame whose hash is at least this many bits from its background shows movement ("moving frame"). */
export const MOVING_BITS = 8;

export interface PreparedFingerprint {
  readonly fps: number;
  readonly algorithm: string;
  readonly length: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** Bits from the local background (0 for blank frames). */
  readonly activity: Uint8Array;
  /** Number of moving frames (activity ≥ MOVING_BITS, not blank). */
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
  let moving = 0;
  for (let i = 0; i < activity.length; i++) if (activity[i]! >= MOVING_BITS) moving++;
  return { fps, algorithm, length: hi.length, hi, lo, activity, movingFrames: moving };
}

/** Activity of every frame: distance to the bitwise majority of the non-blank hashes within ±w frames. */
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
  // Window [i - w, i + w] slides right by one frame per step.
  for (let j = 0; j <= Math.min(n - 1, w); j++) add(j, 1);
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const enter = i + w;
      const leave = i - w - 1;
      if (enter < n) add(enter, 1);
      if (leave >= 0) add(leave, -1);
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

/** True for the reserved blank-frame hash. */
export function isBlank(p: PreparedFingerprint, i: number): boolean {
  return p.hi[i] === 0 && p.lo[i] === 0;
}

/** popcount over (x & mask) of two halves. */
export function popcount64(hi: number, lo: number): number {
  return popcount32(hi >>> 0) + popcount32(lo >>> 0);
}
