// Geometry of face boxes: coordinates are fractions (0..1) of the frame's width and height, so a
// box means the same place whatever size the frame was analysed at (and the proxy is shown at).

export interface FaceBox {
  /** Left edge, fraction of the frame width. */
  x: number;
  /** Top edge, fraction of the frame height. */
  y: number;
  w: number;
  h: number;
  /** The detector's confidence, 0..1. */
  score: number;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** A box clipped to the frame (detectors may reach past an edge for a face cut by it). */
export function clipBox(b: FaceBox): FaceBox {
  const x0 = clamp01(b.x);
  const y0 = clamp01(b.y);
  const x1 = clamp01(b.x + b.w);
  const y1 = clamp01(b.y + b.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0), score: b.score };
}

function intersection(a: Omit<FaceBox, 'score'>, b: Omit<FaceBox, 'score'>): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two boxes (0 when they do not overlap). */
export function iou(a: Omit<FaceBox, 'score'>, b: Omit<FaceBox, 'score'>): number {
  const i = intersection(a, b);
  const u = a.w * a.h + b.w * b.h - i;
  return u > 0 ? i / u : 0;
}

/**
 * Greedy non-maximum suppression across detections of overlapping views of one frame (the whole
 * frame and its tiles): the most confident box of a face is kept. A box is also dropped when most
 * of it lies inside a kept one — a face cut by a tile edge is seen there as a part of itself.
 */
export function mergeDetections(boxes: readonly FaceBox[], iouThreshold = 0.3, containment = 0.7): FaceBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const b of sorted) {
    const area = b.w * b.h;
    const dup = kept.some((k) => {
      const i = intersection(k, b);
      return i / (area + k.w * k.h - i) > iouThreshold || (area > 0 && i / Math.min(area, k.w * k.h) > containment);
    });
    if (!dup) kept.push(b);
  }
  return kept;
}

/**
 * How many of `expected` are found in `found` (each found box matched at most once, best IoU
 * first). Used by tests and the benchmark to measure recall against known face positions.
 */
export function matchBoxes(expected: readonly Omit<FaceBox, 'score'>[], found: readonly Omit<FaceBox, 'score'>[], minIou = 0.3): { matched: number; unmatchedFound: number; ious: number[] } {
  const pairs: { e: number; f: number; v: number }[] = [];
  expected.forEach((e, ei) => found.forEach((f, fi) => {
    const v = iou(e, f);
    if (v >= minIou) pairs.push({ e: ei, f: fi, v });
  }));
  pairs.sort((a, b) => b.v - a.v);
  const usedE = new Set<number>();
  const usedF = new Set<number>();
  const ious: number[] = [];
  for (const p of pairs) {
    if (usedE.has(p.e) || usedF.has(p.f)) continue;
    usedE.add(p.e);
    usedF.add(p.f);
    ious.push(p.v);
  }
  return { matched: usedE.size, unmatchedFound: found.length - usedF.size, ious };
}
