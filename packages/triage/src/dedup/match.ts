// Deciding whether two fingerprints show the same recording, and where one starts within the other.
//
// For an offset d (frame k of b is compared with frame k + d of a) every overlapping frame pair gets a
// phase-tolerant distance (copies are rarely sampled at the same instants: a clip cut at 12.3 s is
// sampled a fraction of a frame later than its original). Bits on which a frame and its neighbour
// agree must agree in the other recording; bits that change between neighbours are free. The side
// (b sampled slightly later or earlier) is chosen once per offset.
//
// The decision only trusts *moving* frames (activity at its recording's threshold in either): static
// frames of a fixed camera match any other recording of it. `unexplained` is the share of the
// movement (Σ distance / Σ activity over moving frames) the other recording does not reproduce; it
// must stay below a bound that starts strict (short stretches of movement are easy to match by a
// look-alike event) and relaxes as the evidence grows (long stretches cannot agree by chance).
import { hamming64, popcount32 } from './frame-hash.js';
import type { VideoFingerprint } from './fingerprint.js';
import { prepareFingerprint, type PreparedFingerprint } from './prepared.js';

export type MatchKind = 'same-recording' | 'segment-of' | 'contains' | 'partial-overlap';

export type MismatchReason = 'short-overlap' | 'too-little-movement' | 'different';

export interface MatchOptions {
  /** Largest mean (phase-tolerant) Hamming distance over the moving frames of the overlap. Default 8. */
  maxHamming?: number;
  /** Shortest overlap that can be called similar, seconds. Default 5. */
  minOverlapSec?: number;
  /** Least movement (seconds of moving frames in the overlap) needed to decide anything. Default 3. */
  minMovingSec?: number;
  /**
   * How alignments are found. 'auto' (default): every offset when both fingerprints are short,
   * otherwise offsets voted by frames whose hashes share a 16-bit substring (see NearDuplicateIndex).
   * 'exhaustive': every offset (the brute-force reference). 'votes': always voted.
   */
  search?: 'auto' | 'exhaustive' | 'votes';
}

export interface FingerprintMatch {
  similar: boolean;
  /** Where b starts within a, seconds (negative: b starts before a). */
  offsetSec: number;
  overlapSec: number;
  /** Mean phase-tolerant Hamming distance over every compared frame of the overlap. */
  meanDistance: number;
  /** Seconds of the overlap in which either recording moves. */
  movingSec: number;
  /** Mean phase-tolerant Hamming distance over the moving frames (NaN without any). */
  movingMeanDistance: number;
  /** Share of the movement not reproduced by the other recording (0 = all, 1 = none; NaN without movement). */
  unexplained: number;
  /** The bound `unexplained` was held to (it depends on movingSec). */
  maxUnexplained: number;
  /** How b relates to a: the same recording, a segment of a, containing a, or overlapping it. */
  kind: MatchKind;
  /**
   * 'high' when similar on at least RAMP_TO_SEC (10 s) of movement; 'low' when similar on less — about
   * one person crossing — where a look-alike event in another recording of the same camera (same
   * direction, size and speed) cannot be ruled out from the hashes alone: check the burned-in clock.
   */
  confidence: 'high' | 'low';
  /** Why not similar (absent when similar). */
  reason?: MismatchReason;
}

/**
 * The bound on `unexplained`: strict with ≤ RAMP_FROM_SEC of movement; relaxed from RAMP_TO_SEC on
 * (linear between), but only as far as the overlap moves throughout (DENSITY_FROM → DENSITY_TO of
 * its frames). Sparse movement on a fixed camera is reproduced closely by a true copy, so a loose
 * fit there means look-alike events; continuous movement (a busy scene, a handheld phone) leaves
 * larger residues in true copies too, and cannot agree by chance over many seconds.
 */
export const UNEXPLAINED_STRICT = 0.17;
export const UNEXPLAINED_RELAXED = 0.43;
export const RAMP_FROM_SEC = 8;
export const RAMP_TO_SEC = 10;
export const DENSITY_FROM = 0.3;
export const DENSITY_TO = 0.8;
export const DEFAULT_MAX_HAMMING = 8;
export const DEFAULT_MIN_OVERLAP_SEC = 5;
export const DEFAULT_MIN_MOVING_SEC = 3;
/** Frames whose plain Hamming distance is within this vote for an alignment. */
export const VOTE_RADIUS = 10;
/** 'auto' tries every offset when length(a) × length(b) is at most this. */
export const EXHAUSTIVE_LIMIT = 400_000;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** The bound on the unexplained share of movement, for `movingSec` seconds of moving frames making up `density` of the overlap. */
export function maxUnexplainedFor(movingSec: number, density = 1): number {
  const t = clamp01((movingSec - RAMP_FROM_SEC) / (RAMP_TO_SEC - RAMP_FROM_SEC)) * clamp01((density - DENSITY_FROM) / (DENSITY_TO - DENSITY_FROM));
  return UNEXPLAINED_STRICT + t * (UNEXPLAINED_RELAXED - UNEXPLAINED_STRICT);
}

/** Raw sums for one alignment. */
export interface OffsetScore {
  d: number;
  /** 1: b is sampled a fraction of a frame after a (true offset in [d, d + 1]); 0: before (in [d − 1, d]). */
  side: 0 | 1;
  /** Plain Hamming distances summed over the frames counted in sumMovingDist (all compared frames without movement). */
  sumPlain: number;
  overlapFrames: number;
  compared: number;
  moving: number;
  sumDist: number;
  sumMovingDist: number;
  sumActivity: number;
}

/** Bits where x agrees with its neighbour n but differs from y (halves). */
function stableDiff(xh: number, xl: number, nh: number, nl: number, yh: number, yl: number): number {
  return popcount32((~(xh ^ nh) & (xh ^ yh)) >>> 0) + popcount32((~(xl ^ nl) & (xl ^ yl)) >>> 0);
}

/** Scores alignment d (b's frame k against a's frame k + d), on the better of the two phase sides. */
export function scoreOffset(a: PreparedFingerprint, b: PreparedFingerprint, d: number): OffsetScore {
  const k0 = Math.max(0, -d);
  const k1 = Math.min(b.length, a.length - d);
  const out: OffsetScore[] = ([0, 1] as const).map((side) => ({ d, side, sumPlain: 0, overlapFrames: Math.max(0, k1 - k0), compared: 0, moving: 0, sumDist: 0, sumMovingDist: 0, sumActivity: 0 }));
  let plainAll = 0;
  let plainMoving = 0;
  const ah = a.hi, al = a.lo, bh = b.hi, bl = b.lo;
  for (let k = k0; k < k1; k++) {
    const i = k + d;
    const xh = ah[i]!, xl = al[i]!, yh = bh[k]!, yl = bl[k]!;
    const xBlank = xh === 0 && xl === 0;
    const yBlank = yh === 0 && yl === 0;
    if (xBlank && yBlank) continue;
    const plain = hamming64(xh, xl, yh, yl);
    const actA = a.activity[i]!;
    const actB = b.activity[k]!;
    const act = Math.max(actA, actB);
    const moving = actA >= a.movingBits || actB >= b.movingBits;
    plainAll += plain;
    if (moving) plainMoving += plain;
    for (let side = 0; side < 2; side++) {
      let dist = plain;
      if (!xBlank && !yBlank) {
        // side 1: b sampled slightly later (between a[i] and a[i+1]; a[i] between b[k-1] and b[k]).
        const ia = side === 1 ? i + 1 : i - 1;
        const kb = side === 1 ? k - 1 : k + 1;
        const da = ia >= 0 && ia < a.length && !(ah[ia] === 0 && al[ia] === 0) ? stableDiff(xh, xl, ah[ia]!, al[ia]!, yh, yl) : plain;
        const db = kb >= 0 && kb < b.length && !(bh[kb] === 0 && bl[kb] === 0) ? stableDiff(yh, yl, bh[kb]!, bl[kb]!, xh, xl) : plain;
        dist = (da + db) / 2;
      }
      const s = out[side]!;
      s.compared++;
      s.sumDist += dist;
      if (moving) {
        s.moving++;
        s.sumMovingDist += dist;
        s.sumActivity += act;
      }
    }
  }
  const [s0, s1] = out as [OffsetScore, OffsetScore];
  s0.sumPlain = s1.sumPlain = s0.moving > 0 ? plainMoving : plainAll;
  return s1.sumMovingDist < s0.sumMovingDist || (s1.sumMovingDist === s0.sumMovingDist && s1.sumDist < s0.sumDist) ? s1 : s0;
}

interface Decision {
  similar: boolean;
  reason?: MismatchReason;
  unexplained: number;
  maxUnexplained: number;
  /** unexplained / maxUnexplained: below 1 passes; used to rank alignments (Infinity when undecidable). */
  rank: number;
}

function decide(s: OffsetScore, fps: number, o: Required<Omit<MatchOptions, 'search'>>): Decision {
  const movingSec = s.moving / fps;
  const maxU = maxUnexplainedFor(movingSec, s.compared > 0 ? s.moving / s.compared : 0);
  const unexplained = s.sumActivity > 0 ? s.sumMovingDist / s.sumActivity : Number.NaN;
  if (s.overlapFrames / fps < o.minOverlapSec) return { similar: false, reason: 'short-overlap', unexplained, maxUnexplained: maxU, rank: Infinity };
  if (movingSec < o.minMovingSec) return { similar: false, reason: 'too-little-movement', unexplained, maxUnexplained: maxU, rank: Infinity };
  const rank = unexplained / maxU;
  const movingMean = s.sumMovingDist / s.moving;
  const similar = unexplained <= maxU && movingMean <= o.maxHamming;
  return similar ? { similar, unexplained, maxUnexplained: maxU, rank } : { similar, reason: 'different', unexplained, maxUnexplained: maxU, rank };
}

/** How b relates to a given where it starts (seconds) and both durations; `tol` seconds of slack. */
export function classifyOverlap(offsetSec: number, durA: number, durB: number, tol = 1): MatchKind {
  const bEnd = offsetSec + durB;
  if (Math.abs(offsetSec) <= tol && Math.abs(bEnd - durA) <= tol) return 'same-recording';
  if (offsetSec >= -tol && bEnd <= durA + tol) return 'segment-of';
  if (offsetSec <= tol && bEnd >= durA - tol) return 'contains';
  return 'partial-overlap';
}

function resolveOptions(opts: MatchOptions): Required<Omit<MatchOptions, 'search'>> {
  return {
    maxHamming: opts.maxHamming ?? DEFAULT_MAX_HAMMING,
    minOverlapSec: opts.minOverlapSec ?? DEFAULT_MIN_OVERLAP_SEC,
    minMovingSec: opts.minMovingSec ?? DEFAULT_MIN_MOVING_SEC,
  };
}

/** The four disjoint substrings of a hash's 63 informative bits (bits 62–47, 46–31, 30–15, 14–0). */
export function substrings(h: number, l: number): [number, number, number, number] {
  return [(h >>> 15) & 0xffff, ((h & 0x7fff) << 1) | (l >>> 31), (l >>> 15) & 0xffff, l & 0x7fff];
}

/** Frame indices of a's moving frames, by each 16-bit substring of their hashes. */
export class LocalMultiIndex {
  private readonly tables: Map<number, number[]>[] = [new Map(), new Map(), new Map(), new Map()];
  constructor(readonly p: PreparedFingerprint) {
    for (let i = 0; i < p.length; i++) {
      if (p.activity[i]! < p.movingBits) continue;
      const h = p.hi[i]!, l = p.lo[i]!;
      if (h === 0 && l === 0) continue;
      const keys = substrings(h, l);
      for (let c = 0; c < 4; c++) {
        const t = this.tables[c]!;
        const list = t.get(keys[c]!);
        if (list) list.push(i);
        else t.set(keys[c]!, [i]);
      }
    }
  }

  /** Votes per offset d = i − k from b's moving frames whose hash is within VOTE_RADIUS of one of a's. */
  vote(b: PreparedFingerprint): Map<number, number> {
    const votes = new Map<number, number>();
    const a = this.p;
    const seen = new Set<number>();
    for (let k = 0; k < b.length; k++) {
      if (b.activity[k]! < b.movingBits) continue;
      const h = b.hi[k]!, l = b.lo[k]!;
      if (h === 0 && l === 0) continue;
      seen.clear();
      const keys = substrings(h, l);
      for (let c = 0; c < 4; c++) {
        const list = this.tables[c]!.get(keys[c]!);
        if (!list) continue;
        for (const i of list) {
          if (seen.has(i)) continue;
          seen.add(i);
          if (hamming64(a.hi[i]!, a.lo[i]!, h, l) > VOTE_RADIUS) continue;
          votes.set(i - k, (votes.get(i - k) ?? 0) + 1);
        }
      }
    }
    return votes;
  }
}

/** The offsets worth scoring from a vote histogram: the best few peaks (votes summed over d−1..d+1) and their neighbours. */
export function candidateOffsets(votes: Map<number, number>, maxPeaks = 5, minVotes = 2): number[] {
  const smoothed: [number, number][] = [];
  for (const d of votes.keys()) {
    const s = (votes.get(d - 1) ?? 0) + (votes.get(d) ?? 0) + (votes.get(d + 1) ?? 0);
    if (s >= minVotes) smoothed.push([d, s]);
  }
  smoothed.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const out = new Set<number>();
  let peaks = 0;
  for (const [d] of smoothed) {
    if (out.has(d)) continue;
    out.add(d - 1).add(d).add(d + 1);
    if (++peaks >= maxPeaks) break;
  }
  return [...out];
}

function checkComparable(a: PreparedFingerprint, b: PreparedFingerprint): void {
  if (a.fps !== b.fps) throw new RangeError(`fingerprints sampled at different rates (${a.fps} and ${b.fps} frames/s) cannot be compared`);
  if (a.algorithm !== b.algorithm) throw new RangeError(`fingerprints made with different hashes (${a.algorithm}, ${b.algorithm}) cannot be compared`);
}

/** Scores the given offsets and reports the best alignment (the one furthest inside the bounds). */
export function matchAtOffsets(a: PreparedFingerprint, b: PreparedFingerprint, offsets: Iterable<number>, opts: MatchOptions = {}): FingerprintMatch {
  checkComparable(a, b);
  const o = resolveOptions(opts);
  let best: { s: OffsetScore; dec: Decision } | null = null;
  let fallback: OffsetScore | null = null;
  for (const d of offsets) {
    if (d <= -b.length || d >= a.length) continue;
    const s = scoreOffset(a, b, d);
    const dec = decide(s, a.fps, o);
    if (dec.rank !== Infinity && (!best || dec.rank < best.dec.rank)) best = { s, dec };
    if (!fallback || s.overlapFrames > fallback.overlapFrames) fallback = s;
  }
  const s = best?.s ?? fallback ?? scoreOffset(a, b, 0);
  const dec = best?.dec ?? decide(s, a.fps, o);
  return report(a, b, s, dec, best ? refineOffset(a, b, s) : s.d);
}

/**
 * The phase-tolerant distance cannot tell offset d from its neighbour on the chosen side (the true
 * alignment lies between them). The plain distances at both ends place it: linear interpolation,
 * snapped to the nearer end within 0.2 frame.
 */
function refineOffset(a: PreparedFingerprint, b: PreparedFingerprint, s: OffsetScore): number {
  const other = s.side === 1 ? s.d + 1 : s.d - 1;
  if (other <= -b.length || other >= a.length) return s.d;
  const t = scoreOffset(a, b, other);
  const here = s.sumPlain / Math.max(1, s.moving > 0 ? s.moving : s.compared);
  const there = t.sumPlain / Math.max(1, t.moving > 0 ? t.moving : t.compared);
  if (here + there === 0) return s.d;
  let phi = here / (here + there); // 0 → at d, 1 → at the other end
  if (phi < 0.2) phi = 0;
  else if (phi > 0.8) phi = 1;
  return s.d + phi * (other - s.d);
}

function report(a: PreparedFingerprint, b: PreparedFingerprint, s: OffsetScore, dec: Decision, offsetFrames: number): FingerprintMatch {
  const fps = a.fps;
  const r3 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);
  const offsetSec = offsetFrames / fps;
  const durA = a.length / fps;
  const durB = b.length / fps;
  const m: FingerprintMatch = {
    similar: dec.similar,
    offsetSec: r3(offsetSec),
    overlapSec: r3(Math.max(0, Math.min(durA, offsetSec + durB) - Math.max(0, offsetSec))),
    meanDistance: r3(s.compared > 0 ? s.sumDist / s.compared : Number.NaN),
    movingSec: r3(s.moving / fps),
    movingMeanDistance: r3(s.moving > 0 ? s.sumMovingDist / s.moving : Number.NaN),
    unexplained: r3(dec.unexplained),
    maxUnexplained: r3(dec.maxUnexplained),
    kind: classifyOverlap(offsetSec, durA, durB, Math.max(1, 1 / fps)),
    confidence: dec.similar && s.moving / fps >= RAMP_TO_SEC ? 'high' : 'low',
  };
  if (dec.reason) m.reason = dec.reason;
  return m;
}

/**
 * Finds the best alignment of b against a and decides whether they show the same recording.
 * Both fingerprints must have the same fps and hash algorithm (RangeError otherwise).
 */
export function matchFingerprints(a: VideoFingerprint, b: VideoFingerprint, opts: MatchOptions = {}): FingerprintMatch {
  return matchPrepared(prepareFingerprint(a), prepareFingerprint(b), opts);
}

export function matchPrepared(pa: PreparedFingerprint, pb: PreparedFingerprint, opts: MatchOptions = {}): FingerprintMatch {
  checkComparable(pa, pb);
  const search = opts.search ?? 'auto';
  const minOverlap = Math.max(1, Math.ceil((opts.minOverlapSec ?? DEFAULT_MIN_OVERLAP_SEC) * pa.fps));
  let offsets: Iterable<number>;
  if (search === 'exhaustive' || (search === 'auto' && pa.length * pb.length <= EXHAUSTIVE_LIMIT)) {
    offsets = (function* () {
      for (let d = -(pb.length - minOverlap); d <= pa.length - minOverlap; d++) yield d;
    })();
  } else {
    offsets = candidateOffsets(new LocalMultiIndex(pa).vote(pb));
  }
  return matchAtOffsets(pa, pb, offsets, opts);
}
