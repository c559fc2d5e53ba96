// Near-duplicate search over many fingerprints without comparing every pair.
//
// Multi-index hashing: each 64-bit frame hash is cut into four 16-bit substrings, and each of four
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
import { hamming64 } from './frame-hash.js';
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
import { MOVING_BITS, prepareFingerprint, type PreparedFingerprint } from './prepared.js';

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
  private readonly tables: (number[] | undefined)[][] = Array.from({ length: TABLES }, () => new Array<number[] | undefined>(BUCKETS));
  private readonly dropped: Uint8Array[] = Array.from({ length: TABLES }, () => new Uint8Array(BUCKETS));
  /** Global frame id → entry index. */
  private frameEntry = new Int32Array(1024);
  private totalFrames = 0;
  private indexedFrames = 0;
  private postings = 0;
  private droppedBuckets = 0;
  private fps: number | null = null;
  private algorithm: string | null = null;
  private stamp = new Int32Array(1024);
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
    const e: Entry = { id, p, base: this.totalFrames };
    const ei = this.entries.length;
    this.entries.push(e);
    this.byId.set(id, ei);
    this.pairsCache = null;
    this.totalFrames += p.length;
    if (this.frameEntry.length < this.totalFrames) {
      const grown = new Int32Array(Math.max(this.totalFrames, this.frameEntry.length * 2));
      grown.set(this.frameEntry);
      this.frameEntry = grown;
    }
    this.frameEntry.fill(ei, e.base, this.totalFrames);
    const cap = this.opts.maxBucketSize;
    for (let i = 0; i < p.length; i++) {
      if (p.activity[i]! < MOVING_BITS) continue;
      const h = p.hi[i]!, l = p.lo[i]!;
      if (h === 0 && l === 0) continue;
      this.indexedFrames++;
      const g = e.base + i;
      for (let c = 0; c < TABLES; c++) {
        const key = chunk(h, l, c);
        if (this.dropped[c]![key]) continue;
        const t = this.tables[c]!;
        let list = t[key];
        if (!list) t[key] = list = [];
        if (list.length >= cap) {
          this.postings -= list.length;
          t[key] = undefined;
          this.dropped[c]![key] = 1;
          this.droppedBuckets++;
          continue;
        }
        list.push(g);
        this.postings++;
      }
    }
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

  /** Connected groups of near-duplicates (union–find over allPairs), with each member's offset. */
  groups(): NearDuplicateGroup[] {
    const pairs = this.allPairs();
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

  /** Candidate (entry, offsets) pairs for a query, most-voted first. Offsets are (entry frame) − (query frame). */
  private candidates(q: PreparedFingerprint, accept: (entry: number) => boolean): [number, number[]][] {
    if (this.stamp.length < this.totalFrames) this.stamp = new Int32Array(Math.max(this.totalFrames, this.stamp.length * 2));
    // votes keyed by entry, then offset
    const votes = new Map<number, Map<number, number>>();
    for (let k = 0; k < q.length; k++) {
      if (q.activity[k]! < MOVING_BITS) continue;
      const h = q.hi[k]!, l = q.lo[k]!;
      if (h === 0 && l === 0) continue;
      if (++this.stampNow >= 0x7fffffff) {
        this.stamp.fill(0);
        this.stampNow = 1;
      }
      const now = this.stampNow;
      for (let c = 0; c < TABLES; c++) {
        const list = this.tables[c]![chunk(h, l, c)];
        if (!list) continue;
        for (let j = 0; j < list.length; j++) {
          const g = list[j]!;
          if (this.stamp[g] === now) continue;
          this.stamp[g] = now;
          const ei = this.frameEntry[g]!;
          if (!accept(ei)) continue;
          const e = this.entries[ei]!;
          const i = g - e.base;
          if (hamming64(e.p.hi[i]!, e.p.lo[i]!, h, l) > VOTE_RADIUS) continue;
          let m = votes.get(ei);
          if (!m) votes.set(ei, (m = new Map()));
          const d = i - k;
          m.set(d, (m.get(d) ?? 0) + 1);
        }
      }
    }
    const ranked: [number, number, number[]][] = [];
    for (const [ei, m] of votes) {
      let top = 0;
      for (const c of m.values()) top = Math.max(top, c);
      if (top * 3 < this.opts.minVotes) continue; // cannot reach minVotes even when smoothed
      const offsets = candidateOffsets(m, this.opts.peaksPerCandidate, this.opts.minVotes);
      if (offsets.length > 0) ranked.push([ei, smoothedTop(m), offsets]);
    }
    ranked.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    return ranked.slice(0, this.opts.maxCandidates).map(([ei, , offs]) => [ei, offs]);
  }
}

function chunk(h: number, l: number, c: number): number {
  switch (c) {
    case 0:
      return h >>> 16;
    case 1:
      return h & 0xffff;
    case 2:
      return l >>> 16;
    default:
      return l & 0xffff;
  }
}

function smoothedTop(m: Map<number, number>): number {
  let best = 0;
  for (const d of m.keys()) best = Math.max(best, (m.get(d - 1) ?? 0) + (m.get(d) ?? 0) + (m.get(d + 1) ?? 0));
  return best;
}

function score(m: FingerprintMatch): number {
  return Number.isFinite(m.unexplained) ? Math.round(Math.max(0, 1 - m.unexplained) * 1000) / 1000 : 0;
}
