// Near-duplicate search over many fingerprints without comparing every pair.
//
// Multi-index hashing: each 64-bit frame hash is cut into four 16-bit substrings (15 for the last:
// the top bit is always set), and each of four
// tables maps a substring value to the frames (of every indexed video) that have it. By pigeonhole,
// two hashes within Hamming distance 3 share at least one substring exactly; re-encoded copies are
// usually within that, and a trimmed or phase-shifted copy still has enough frames that are. A query
// looks up its frames' four buckets; each posting within VOTE_RADIUS bits votes for (video, offset =
// frame index difference). Only the best-voted (video, offset) candidates are scored in full.
//
// Only *moving* frames are indexed and looked up: static frames of a fixed camera hash alike across
// hours and recordings, would flood their buckets, and prove nothing. Blank frames are never indexed.
// A bucket that grows beyond maxBucketSize is dropped for good (a "stop word": too common to
// discriminate), which keeps lookups bounded whatever the collection holds.
import { popcount32 } from './frame-hash.js';
import type { VideoFingerprint } from './fingerprint.js';
import {
  candidateOffsets,
  DEFAULT_MAX_HAMMING,
  DEFAULT_MIN_MOVING_SEC,
  DEFAULT_MIN_OVERLAP_SEC,
  matchAtOffsets,
  VOTE_RADIUS,
  type FingerprintMatch,
  type MatchKind,
  type MatchOptions,
} from './match.js';
import { prepareFingerprint, type PreparedFingerprint } from './prepared.js';

export interface NearDuplicateIndexOptions extends Omit<MatchOptions, 'search'> {
  /** Largest bucket kept; a bucket that grows past it is dropped as too common. Default 4096. */
  maxBucketSize?: number;
  /** Videos scored per query, most-voted first. Default 64. */
  maxCandidates?: number;
  /** Alignment peaks scored per candidate video. Default 3. */
  peaksPerCandidate?: number;
  /** Fewest votes (summed over three neighbouring offsets) for a candidate. Default 2. */
  minVotes?: number;
}

export interface NearDuplicateHit {
  id: string;
  /** Where the indexed video `id` starts within the query, seconds (negative: before it). */
  offsetSec: number;
  /** How the indexed video relates to the query ('segment-of': it is a segment of the query). */
  kind: MatchKind;
  /** 1 − unexplained share of the movement: 1 = every moving frame reproduced. */
  score: number;
  match: FingerprintMatch;
}

export interface NearDuplicatePair {
  /** The video added first. */
  a: string;
  /** The video added later. */
  b: string;
  /** Where b starts within a, seconds. */
  offsetSec: number;
  /** How b relates to a. */
  kind: MatchKind;
  score: number;
  match: FingerprintMatch;
}

export interface NearDuplicateGroup {
  /** The longest member: every offset is on its timeline. */
  reference: string;
  /** Sorted by offset: where each member starts on the reference's timeline, seconds. */
  members: { id: string; offsetSec: number }[];
}

export interface NearDuplicateIndexStats {
  videos: number;
  frames: number;
  indexedFrames: number;
  postings: number;
  droppedBuckets: number;
}

const TABLES = 4;
const BUCKETS = 1 << 16;

interface Entry {
  id: string;
  p: PreparedFingerprint;
  /** Global frame id of frame 0. */
  base: number;
}

export class NearDuplicateIndex {
  private readonly entries: Entry[] = [];
  private readonly byId = new Map<string, number>();
  // Postings live in two tiers. Main: one Int32Array holding every bucket's postings back to back
  // (bucket b of table c is slot c·2^16 + b, its postings mainPostings[mainStart[slot] … mainStart[slot+1]]),
  // so that a lookup reads contiguous memory. A posting is a triple: global frame id, then the hash
  // halves as int32 (the distance is checked without fetching anything else). Pending: postings of
  // videos added since the last compaction, as per-slot linked lists in flat typed arrays (no
  // per-bucket objects for the garbage collector), merged into main once they number a third of it.
  private mainStart = new Uint32Array(TABLES * BUCKETS + 1);
  private mainPostings = new Int32Array(0);
  private pendingHead = new Int32Array(TABLES * BUCKETS).fill(-1);
  private pendingCount = new Int32Array(TABLES * BUCKETS);
  /** Pending posting n: next[n] (−1 ends the list) and data[3n … 3n + 2]. */
  private pendingNext = new Int32Array(1 << 12);
  private pendingData = new Int32Array(3 << 12);
  private pendingPostings = 0;
  private readonly dropped = new Uint8Array(TABLES * BUCKETS);
  /** Global frame id → entry index. */
  private frameEntry = new Int32Array(1024);
  private totalFrames = 0;
  private indexedFrames = 0;
  private postings = 0;
  private droppedBuckets = 0;
  private fps: number | null = null;
  private algorithm: string | null = null;
  private stamp = new Int32Array(1024);
  private voteBuffer: Float64Array<ArrayBuffer> = new Float64Array(4096);
  private stampNow = 0;
  private pairsCache: NearDuplicatePair[] | null = null;
  private readonly opts: Required<NearDuplicateIndexOptions>;

  constructor(opts: NearDuplicateIndexOptions = {}) {
    this.opts = {
      maxHamming: opts.maxHamming ?? DEFAULT_MAX_HAMMING,
      minOverlapSec: opts.minOverlapSec ?? DEFAULT_MIN_OVERLAP_SEC,
      minMovingSec: opts.minMovingSec ?? DEFAULT_MIN_MOVING_SEC,
      maxBucketSize: opts.maxBucketSize ?? 4096,
      maxCandidates: opts.maxCandidates ?? 64,
      peaksPerCandidate: opts.peaksPerCandidate ?? 3,
      minVotes: opts.minVotes ?? 2,
    };
  }

  get size(): number {
    return this.entries.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  stats(): NearDuplicateIndexStats {
    return { videos: this.entries.length, frames: this.totalFrames, indexedFrames: this.indexedFrames, postings: this.postings, droppedBuckets: this.droppedBuckets };
  }

  /** Adds a video. Throws if the id is taken or the fingerprint's fps/hash differ from the others'. */
  add(id: string, fp: VideoFingerprint): void {
    if (this.byId.has(id)) throw new Error(`NearDuplicateIndex: ${JSON.stringify(id)} is already indexed`);
    const p = prepareFingerprint(fp);
    this.checkComparable(p);
    if (p.length >= OFFSET_BIAS) throw new RangeError(`NearDuplicateIndex: ${id} has ${p.length} hashes; at most ${OFFSET_BIAS - 1} are supported`);
    const e: Entry = { id, p, base: this.totalFrames };
    const ei = this.entries.length;
    this.entries.push(e);
    this.byId.set(id, ei);
    this.pairsCache = null;
    this.totalFrames += p.length;
    if (this.frameEntry.length < this.totalFrames) {
      const fe = new Int32Array(Math.max(this.totalFrames, this.frameEntry.length * 2));
      fe.set(this.frameEntry);
      this.frameEntry = fe;
    }
    this.frameEntry.fill(ei, e.base, this.totalFrames);
    const cap = this.opts.maxBucketSize;
    for (let i = 0; i < p.length; i++) {
      if (p.activity[i]! < p.movingBits) continue;
      const h = p.hi[i]!, l = p.lo[i]!;
      if (h === 0 && l === 0) continue;
      this.indexedFrames++;
      const g = e.base + i;
      for (let c = 0; c < TABLES; c++) {
        const slot = c * BUCKETS + chunk(h, l, c);
        if (this.dropped[slot]) continue;
        const inMain = (this.mainStart[slot + 1]! - this.mainStart[slot]!) / 3;
        const inPending = this.pendingCount[slot]!;
        if (inMain + inPending >= cap) {
          // Too common to discriminate: drop the bucket for good (a "stop word"). Its postings stay
          // in memory, unread, until the next compaction.
          this.postings -= inMain + inPending;
          this.dropped[slot] = 1;
          this.droppedBuckets++;
          continue;
        }
        const n = this.pendingPostings++;
        if (n === this.pendingNext.length) {
          const next = new Int32Array(n * 2);
          next.set(this.pendingNext);
          this.pendingNext = next;
          const data = new Int32Array(n * 6);
          data.set(this.pendingData);
          this.pendingData = data;
        }
        this.pendingNext[n] = this.pendingHead[slot]!;
        this.pendingHead[slot] = n;
        this.pendingCount[slot] = inPending + 1;
        this.pendingData[3 * n] = g;
        this.pendingData[3 * n + 1] = h | 0;
        this.pendingData[3 * n + 2] = l | 0;
        this.postings++;
      }
    }
    if (this.pendingPostings > Math.max(1 << 16, this.mainPostings.length / 9)) this.compact();
  }

  /** Merges the pending postings into the main tier (leaving out those of dropped buckets). */
  private compact(): void {
    if (this.pendingPostings === 0) return;
    const slots = TABLES * BUCKETS;
    const oldStart = this.mainStart, old = this.mainPostings, dropped = this.dropped;
    const start = new Uint32Array(slots + 1);
    for (let slot = 0; slot < slots; slot++) {
      const n = dropped[slot] ? 0 : oldStart[slot + 1]! - oldStart[slot]! + 3 * this.pendingCount[slot]!;
      start[slot + 1] = start[slot]! + n;
    }
    const out = new Int32Array(start[slots]!);
    const next = this.pendingNext, data = this.pendingData;
    for (let slot = 0; slot < slots; slot++) {
      if (dropped[slot]) continue;
      let at = start[slot]!;
      for (let j = oldStart[slot]!, j1 = oldStart[slot + 1]!; j < j1; j++) out[at++] = old[j]!;
      for (let n = this.pendingHead[slot]!; n >= 0; n = next[n]!) {
        out[at++] = data[3 * n]!;
        out[at++] = data[3 * n + 1]!;
        out[at++] = data[3 * n + 2]!;
      }
    }
    this.mainStart = start;
    this.mainPostings = out;
    this.pendingHead.fill(-1);
    this.pendingCount.fill(0);
    this.pendingPostings = 0;
  }

  /** Indexed videos that are near-duplicates of `fp`, best first. */
  query(fp: VideoFingerprint, opts: { excludeId?: string } = {}): NearDuplicateHit[] {
    const p = prepareFingerprint(fp);
    this.checkComparable(p);
    const exclude = opts.excludeId !== undefined ? this.byId.get(opts.excludeId) ?? -1 : -1;
    const hits: NearDuplicateHit[] = [];
    for (const [ei, offsets] of this.candidates(p, (v) => v !== exclude)) {
      const e = this.entries[ei]!;
      // Offsets were voted as (frame of e) − (frame of query): e's frame k aligns with query frame k − d.
      const m = matchAtOffsets(p, e.p, offsets.map((d) => -d), this.opts);
      if (m.similar) hits.push({ id: e.id, offsetSec: m.offsetSec, kind: m.kind, score: score(m), match: m });
    }
    return hits.sort((x, y) => y.score - x.score || y.match.movingSec - x.match.movingSec);
  }

  /** Every near-duplicate pair among the indexed videos (each pair once, a added before b). */
  allPairs(): NearDuplicatePair[] {
    if (this.pairsCache) return this.pairsCache;
    this.compact();
    const pairs: NearDuplicatePair[] = [];
    for (let vb = 0; vb < this.entries.length; vb++) {
      const eb = this.entries[vb]!;
      for (const [va, offsets] of this.candidates(eb.p, (v) => v < vb)) {
        const ea = this.entries[va]!;
        // Voted d = (frame of a) − (frame of b): exactly matchAtOffsets' convention for (a, b).
        const m = matchAtOffsets(ea.p, eb.p, offsets, this.opts);
        if (m.similar) pairs.push({ a: ea.id, b: eb.id, offsetSec: m.offsetSec, kind: m.kind, score: score(m), match: m });
      }
    }
    this.pairsCache = pairs;
    return pairs;
  }

  /**
   * Connected groups of near-duplicates (union–find over allPairs), with each member's offset.
   * `minConfidence: 'high'` links only pairs matched on ≥ 10 s of movement.
   */
  groups(opts: { minConfidence?: 'low' | 'high' } = {}): NearDuplicateGroup[] {
    const pairs = opts.minConfidence === 'high' ? this.allPairs().filter((p) => p.match.confidence === 'high') : this.allPairs();
    const n = this.entries.length;
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]!]!;
        x = parent[x]!;
      }
      return x;
    };
    const adj = new Map<number, { to: number; off: number }[]>();
    const link = (x: number, y: number, off: number): void => {
      let l = adj.get(x);
      if (!l) adj.set(x, (l = []));
      l.push({ to: y, off });
    };
    for (const pr of pairs) {
      const a = this.byId.get(pr.a)!;
      const b = this.byId.get(pr.b)!;
      parent[find(a)] = find(b);
      link(a, b, pr.offsetSec); // start(b) = start(a) + offset
      link(b, a, -pr.offsetSec);
    }
    const members = new Map<number, number[]>();
    for (const v of adj.keys()) {
      const r = find(v);
      let l = members.get(r);
      if (!l) members.set(r, (l = []));
      l.push(v);
    }
    const groups: NearDuplicateGroup[] = [];
    for (const vs of members.values()) {
      // Reference: the longest member (ties: the first added).
      let ref = vs[0]!;
      for (const v of vs) if (this.entries[v]!.p.length > this.entries[ref]!.p.length || (this.entries[v]!.p.length === this.entries[ref]!.p.length && v < ref)) ref = v;
      const pos = new Map<number, number>([[ref, 0]]);
      const queue = [ref];
      while (queue.length > 0) {
        const v = queue.shift()!;
        for (const { to, off } of adj.get(v) ?? []) {
          if (pos.has(to)) continue;
          pos.set(to, pos.get(v)! + off);
          queue.push(to);
        }
      }
      const list = [...pos].map(([v, off]) => ({ id: this.entries[v]!.id, offsetSec: Math.round(off * 1000) / 1000 }));
      list.sort((x, y) => x.offsetSec - y.offsetSec || (x.id < y.id ? -1 : 1));
      groups.push({ reference: this.entries[ref]!.id, members: list });
    }
    return groups.sort((x, y) => y.members.length - x.members.length || (x.reference < y.reference ? -1 : 1));
  }

  private checkComparable(p: PreparedFingerprint): void {
    if (this.fps === null) {
      this.fps = p.fps;
      this.algorithm = p.algorithm;
    } else if (p.fps !== this.fps || p.algorithm !== this.algorithm) {
      throw new RangeError(`NearDuplicateIndex holds ${this.algorithm} fingerprints at ${this.fps} frames/s; got ${p.algorithm} at ${p.fps}`);
    }
  }

  private growVotes(): Float64Array<ArrayBuffer> {
    const grown = new Float64Array(this.voteBuffer.length * 2);
    grown.set(this.voteBuffer);
    return (this.voteBuffer = grown);
  }

  /** Candidate (entry, offsets) pairs for a query, most-voted first. Offsets are (entry frame) − (query frame). */
  private candidates(q: PreparedFingerprint, accept: (entry: number) => boolean): [number, number[]][] {
    if (this.stamp.length < this.totalFrames) this.stamp = new Int32Array(Math.max(this.totalFrames, this.stamp.length * 2));
    // Each vote is one number, entry × 2^21 + (offset + 2^20), appended to a flat buffer; sorting the
    // buffer then groups votes by entry and offset (far cheaper than nested Maps in the hot loop).
    let votes = this.voteBuffer;
    let nv = 0;
    for (let k = 0; k < q.length; k++) {
      if (q.activity[k]! < q.movingBits) continue;
      const h = q.hi[k]!, l = q.lo[k]!;
      if (h === 0 && l === 0) continue;
      if (++this.stampNow >= 0x7fffffff) {
        this.stamp.fill(0);
        this.stampNow = 1;
      }
      const now = this.stampNow;
      const stamp = this.stamp, frameEntry = this.frameEntry;
      const main = this.mainPostings, mainStart = this.mainStart;
      for (let c = 0; c < TABLES; c++) {
        const slot = c * BUCKETS + chunk(h, l, c);
        if (this.dropped[slot]) continue;
        // Main tier, then the pending lists.
        for (let j = mainStart[slot]!, j1 = mainStart[slot + 1]!; j < j1; j += 3) {
          // Hamming distance first: it rejects nearly every posting, cheaply.
          if (popcount32((main[j + 1]! ^ h) >>> 0) + popcount32((main[j + 2]! ^ l) >>> 0) > VOTE_RADIUS) continue;
          const g = main[j]!;
          if (stamp[g] === now) continue; // already counted through another substring
          stamp[g] = now;
          const ei = frameEntry[g]!;
          if (!accept(ei)) continue;
          if (nv === votes.length) votes = this.growVotes();
          votes[nv++] = ei * OFFSET_SPAN + (g - this.entries[ei]!.base - k + OFFSET_BIAS);
        }
        if (this.pendingPostings === 0) continue;
        const next = this.pendingNext, data = this.pendingData;
        for (let n = this.pendingHead[slot]!; n >= 0; n = next[n]!) {
          if (popcount32((data[3 * n + 1]! ^ h) >>> 0) + popcount32((data[3 * n + 2]! ^ l) >>> 0) > VOTE_RADIUS) continue;
          const g = data[3 * n]!;
          if (stamp[g] === now) continue;
          stamp[g] = now;
          const ei = frameEntry[g]!;
          if (!accept(ei)) continue;
          if (nv === votes.length) votes = this.growVotes();
          votes[nv++] = ei * OFFSET_SPAN + (g - this.entries[ei]!.base - k + OFFSET_BIAS);
        }
      }
    }
    const sorted = votes.subarray(0, nv).sort();
    const ranked: [number, number, number[]][] = [];
    const offsets = new Map<number, number>();
    for (let i = 0; i < nv; ) {
      const ei = Math.floor(sorted[i]! / OFFSET_SPAN);
      offsets.clear();
      while (i < nv && Math.floor(sorted[i]! / OFFSET_SPAN) === ei) {
        const key = sorted[i]!;
        let run = 0;
        while (i < nv && sorted[i] === key) {
          run++;
          i++;
        }
        offsets.set(key - ei * OFFSET_SPAN - OFFSET_BIAS, run);
      }
      const cand = candidateOffsets(offsets, this.opts.peaksPerCandidate, this.opts.minVotes);
      if (cand.length > 0) ranked.push([ei, smoothedTop(offsets), cand]);
    }
    ranked.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    return ranked.slice(0, this.opts.maxCandidates).map(([ei, , offs]) => [ei, offs]);
  }
}

const OFFSET_BIAS = 2 ** 20;
const OFFSET_SPAN = 2 ** 21;

/**
 * Substring c of a hash's 63 informative bits (the top bit is always set): bits 62–47, 46–31, 30–15
 * and 14–0. Disjoint, so two hashes within 3 bits share at least one.
 */
function chunk(h: number, l: number, c: number): number {
  switch (c) {
    case 0:
      return (h >>> 15) & 0xffff;
    case 1:
      return ((h & 0x7fff) << 1) | (l >>> 31);
    case 2:
      return (l >>> 15) & 0xffff;
    default:
      return l & 0x7fff;
  }
}
// (LocalMultiIndex in match.ts uses the same substrings.)

function smoothedTop(m: Map<number, number>): number {
  let best = 0;
  for (const d of m.keys()) best = Math.max(best, (m.get(d - 1) ?? 0) + (m.get(d) ?? 0) + (m.get(d + 1) ?? 0));
  return best;
}

function score(m: FingerprintMatch): number {
  return Number.isFinite(m.unexplained) ? Math.round(Math.max(0, 1 - m.unexplained) * 1000) / 1000 : 0;
}
