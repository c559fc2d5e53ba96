// From a per-second activity curve to the segments an analyst looks at: hysteresis (a segment
// starts where the curve reaches `high` and extends while it stays above `low`), gaps of a few
// seconds merged (someone pausing mid-corridor is one event), blips shorter than a minimum dropped.

export interface ActivitySegment {
  /** Whole seconds from the start of the video. */
  startSec: number;
  endSec: number;
  /** Highest per-second score in the segment (0–1). */
  peak: number;
  /** How much moved: the sum of the per-second scores (score-seconds; a person walking through for 6 s ≈ 5). */
  score: number;
}

export interface SegmentParams {
  high: number;
  low: number;
  /** Segments closer than this (seconds between one's end and the next's start) are merged. */
  mergeGapSec: number;
  /** Segments shorter than this are dropped unless their peak reaches `keepPeak`. */
  minDurationSec: number;
  keepPeak: number;
}

export const DEFAULT_SEGMENT_PARAMS: SegmentParams = { high: 0.35, low: 0.15, mergeGapSec: 2, minDurationSec: 2, keepPeak: 0.8 };

export function extractSegments(curve: readonly number[], p: SegmentParams = DEFAULT_SEGMENT_PARAMS): ActivitySegment[] {
  // Runs above `low` that reach `high` somewhere.
  const runs: { start: number; end: number }[] = [];
  let i = 0;
  while (i < curve.length) {
    if ((curve[i] ?? 0) < p.low) {
      i += 1;
      continue;
    }
    const start = i;
    let hit = false;
    while (i < curve.length && (curve[i] ?? 0) >= p.low) {
      if ((curve[i] ?? 0) >= p.high) hit = true;
      i += 1;
    }
    if (hit) runs.push({ start, end: i });
  }
  const merged: { start: number; end: number }[] = [];
  for (const r of runs) {
    const prev = merged[merged.length - 1];
    if (prev && r.start - prev.end <= p.mergeGapSec) prev.end = r.end;
    else merged.push({ ...r });
  }
  const out: ActivitySegment[] = [];
  for (const r of merged) {
    let peak = 0;
    let score = 0;
    for (let s = r.start; s < r.end; s++) {
      const v = curve[s] ?? 0;
      peak = Math.max(peak, v);
      score += v;
    }
    if (r.end - r.start < p.minDurationSec && peak < p.keepPeak) continue;
    out.push({ startSec: r.start, endSec: r.end, peak: round3(peak), score: round3(score) });
  }
  return out;
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
