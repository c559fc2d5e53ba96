// Near-duplicates by the burned-in clock (ADR 0025). A trim of a quiet stretch of a fixed camera has
// nothing in its pictures that tells it from another day of the same camera, so the fingerprint
// index cannot find it (brute force neither). The DVR overlay can: two videos whose camera labels
// agree and whose overlay clocks cover the same wall-clock time are candidates, and the clock says
// where one starts in the other. The pictures then confirm at that offset (±1.5 s: the clock shows
// whole seconds): the static scene must agree frame by frame, and any movement in the overlap must
// not contradict it. Different days of one camera never become candidates (the clock differs);
// different cameras with the same label at the same time fail the picture check.
//
// Indexed, not pairwise: videos are bucketed by (camera label, clock hour); a video spanning hours
// sits in each of them. A query looks only at its own buckets.
import type { VideoFingerprint } from './fingerprint.js';
import { DEFAULT_MIN_OVERLAP_SEC, matchAtOffsets, scoreOffset, type FingerprintMatch } from './match.js';
import { prepareFingerprint, type PreparedFingerprint } from './prepared.js';

/** What the overlay reader said about a video (readOverlay's startTime and cameraLabel). */
export interface OverlayClock {
  /** Camera label as read; null: no label, the video takes no part. */
  label: string | null;
  /** Wall-clock time of the first frame (ISO 8601 or ms since the epoch); null: no clock. */
  start: string | number | null;
  durationSec: number;
}

/** Largest mean phase-tolerant Hamming distance (of 64 bits) over the whole overlap for the pictures to confirm. */
export const CLOCK_CONFIRM_MAX_HAMMING = 6;
/** Bucket width of the clock index. */
const BUCKET_MS = 3_600_000;

/**
 * A camera label as a bucket key: case and spacing folded, repeated or reordered parts of a label
 * read on several lines («CAM 3 | CAM 3») counted once.
 */
export function cameraKey(label: string | null | undefined): string | null {
  if (!label) return null;
  const parts = [...new Set(label.split('|').map((p) => p.normalize('NFKC').toUpperCase().replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0))].sort();
  return parts.length > 0 ? parts.join(' | ') : null;
}

function startMs(c: OverlayClock): number | null {
  if (c.start === null) return null;
  const ms = typeof c.start === 'number' ? c.start : Date.parse(c.start);
  return Number.isFinite(ms) ? ms : null;
}

interface Entry {
  id: string;
  startMs: number;
  endMs: number;
}

export interface ClockCandidate {
  id: string;
  /** Where the indexed video starts within the query, seconds, by the clocks. */
  offsetSec: number;
  /** Wall-clock overlap, seconds. */
  overlapSec: number;
}

/** Videos bucketed by camera label and clock hour. */
export class OverlayClockIndex {
  private readonly buckets = new Map<string, Entry[]>();
  private readonly entries = new Map<string, { key: string; e: Entry }>();

  /** Adds a video; returns false (and adds nothing) when it has no label or no clock. */
  add(id: string, clock: OverlayClock): boolean {
    const key = cameraKey(clock.label);
    const s = startMs(clock);
    if (key === null || s === null || !(clock.durationSec > 0)) return false;
    const e: Entry = { id, startMs: s, endMs: s + clock.durationSec * 1000 };
    this.entries.set(id, { key, e });
    for (const h of hours(e)) {
      const k = `${key}\u0000${h}`;
      const list = this.buckets.get(k);
      if (list) list.push(e);
      else this.buckets.set(k, [e]);
    }
    return true;
  }

  /** Indexed videos (other than `id` itself) whose clock overlaps the query's by at least `minOverlapSec`. */
  candidates(clock: OverlayClock, opts: { exclude?: string; minOverlapSec?: number } = {}): ClockCandidate[] {
    const key = cameraKey(clock.label);
    const s = startMs(clock);
    if (key === null || s === null || !(clock.durationSec > 0)) return [];
    const q: Entry = { id: '', startMs: s, endMs: s + clock.durationSec * 1000 };
    const min = (opts.minOverlapSec ?? DEFAULT_MIN_OVERLAP_SEC) * 1000;
    const out = new Map<string, ClockCandidate>();
    for (const h of hours(q)) {
      for (const e of this.buckets.get(`${key}\u0000${h}`) ?? []) {
        if (e.id === opts.exclude || out.has(e.id)) continue;
        const overlap = Math.min(e.endMs, q.endMs) - Math.max(e.startMs, q.startMs);
        if (overlap < min) continue;
        out.set(e.id, { id: e.id, offsetSec: (e.startMs - q.startMs) / 1000, overlapSec: overlap / 1000 });
      }
    }
    return [...out.values()];
  }

  /** Every candidate pair once: `b` added after `a`, offsetSec where b starts within a. */
  allPairs(opts: { minOverlapSec?: number } = {}): { a: string; b: string; offsetSec: number }[] {
    const order = new Map([...this.entries.keys()].map((id, i) => [id, i]));
    const out: { a: string; b: string; offsetSec: number }[] = [];
    for (const [id, { key, e }] of this.entries) {
      const clock = { label: key, start: e.startMs, durationSec: (e.endMs - e.startMs) / 1000 };
      for (const c of this.candidates(clock, { exclude: id, ...opts })) {
        if (order.get(c.id)! < order.get(id)!) out.push({ a: c.id, b: id, offsetSec: -c.offsetSec });
      }
    }
    return out;
  }

  get size(): number {
    return this.entries.size;
  }
}

function hours(e: Entry): number[] {
  const out: number[] = [];
  for (let h = Math.floor(e.startMs / BUCKET_MS); h <= Math.floor(e.endMs / BUCKET_MS); h += 1) out.push(h);
  return out;
}

export interface ClockConfirmation {
  similar: boolean;
  /** Where b starts within a, seconds: by the movement when it matched, else the clock's. */
  offsetSec: number;
  overlapSec: number;
  /** Mean phase-tolerant Hamming distance over every compared frame at that offset. */
  meanDistance: number;
  /** The movement check at the same offsets (its `reason` is 'too-little-movement' for a quiet stretch). */
  movement: FingerprintMatch;
  reason?: 'short-overlap' | 'pictures-differ' | 'movement-differs';
}

/**
 * Whether b is the part of a that the clocks say (b starting `clockOffsetSec` into a): the pictures
 * must agree at an offset within ±`slackSec` of it, and movement, if any, must not contradict it.
 */
export function confirmAtClockOffset(
  a: VideoFingerprint | PreparedFingerprint,
  b: VideoFingerprint | PreparedFingerprint,
  clockOffsetSec: number,
  opts: { slackSec?: number; maxHamming?: number; minOverlapSec?: number } = {},
): ClockConfirmation {
  const pa = 'hi' in a ? a : prepareFingerprint(a);
  const pb = 'hi' in b ? b : prepareFingerprint(b);
  if (pa.fps !== pb.fps || pa.algorithm !== pb.algorithm) throw new RangeError(`fingerprints made differently (${pa.fps}/s ${pa.algorithm}, ${pb.fps}/s ${pb.algorithm}) cannot be compared`);
  const slack = opts.slackSec ?? 1.5;
  const minOverlap = opts.minOverlapSec ?? DEFAULT_MIN_OVERLAP_SEC;
  const offsets: number[] = [];
  for (let d = Math.round((clockOffsetSec - slack) * pa.fps); d <= Math.round((clockOffsetSec + slack) * pa.fps); d += 1) {
    if (d > -pb.length && d < pa.length) offsets.push(d);
  }
  const movement = matchAtOffsets(pa, pb, offsets);
  let best: { d: number; mean: number; overlap: number } | null = null;
  for (const d of offsets) {
    const s = scoreOffset(pa, pb, d);
    if (s.compared === 0 || s.overlapFrames / pa.fps < minOverlap) continue;
    const mean = s.sumDist / s.compared;
    if (!best || mean < best.mean) best = { d, mean, overlap: s.overlapFrames / pa.fps };
  }
  const base = { movement, offsetSec: best ? best.d / pa.fps : clockOffsetSec, overlapSec: best?.overlap ?? 0, meanDistance: best?.mean ?? Number.NaN };
  if (!best) return { ...base, similar: false, reason: 'short-overlap' };
  if (movement.reason === 'different') return { ...base, similar: false, reason: 'movement-differs' };
  if (best.mean > (opts.maxHamming ?? CLOCK_CONFIRM_MAX_HAMMING)) return { ...base, similar: false, reason: 'pictures-differ' };
  // Movement that matched gives the finer offset; in a still stretch every offset near the clock's
  // looks alike, and the clock's own (each start read to within a second) is the better estimate.
  return { ...base, similar: true, offsetSec: movement.similar ? movement.offsetSec : clockOffsetSec };
}

/**
 * Whether the clocks contradict a match that places b at `offsetSec` in a: both videos show the same
 * camera label and a clock, and the clocks put b more than `toleranceSec` elsewhere (another day of
 * the camera). Used to drop low-confidence fingerprint matches (one look-alike person crossing);
 * videos without a clock or label, or with different labels, contradict nothing.
 */
export function clockContradicts(a: OverlayClock, b: OverlayClock, offsetSec: number, toleranceSec = 3): boolean {
  const ka = cameraKey(a.label);
  const sa = startMs(a);
  const sb = startMs(b);
  if (ka === null || ka !== cameraKey(b.label) || sa === null || sb === null) return false;
  return Math.abs((sb - sa) / 1000 - offsetSec) > toleranceSec;
}
