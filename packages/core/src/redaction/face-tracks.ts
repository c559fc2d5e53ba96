// Redaction suggestions from stored face detections: boxes on sampled frames are linked over time
// into tracks (the best overlap with the track's box on the previous sample), padded, and turned
// into keyframed boxes. A face seen on one sample only still becomes a box, held for one interval.
import { boxAt, type Keyframe, type Rect, type RedactionBox } from './redaction-recipe.js';

export interface DetectedFace extends Rect {
  tSec: number;
  score: number;
}

export interface SuggestOptions {
  /** Frames per second the detector sampled (gaps between samples). */
  sampleFps: number;
  /** Padding on each side, as a share of the face's size (default 0.25: a face box hides hair and ears too). */
  padding?: number;
  /** Least overlap (IoU) to link a box to a track (default 0.1); nearer centres also link (see code). */
  minIoU?: number;
  /** Keyframes closer than this to the line between their neighbours are dropped (default 0.01 of the frame). */
  tolerance?: number;
}

export const iou = (a: Rect, b: Rect): number => {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
};

const centreDistance = (a: Rect, b: Rect): number => Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));

/** Groups detections into tracks: each track is a time-ordered list of one face's boxes. */
export function linkTracks(faces: readonly DetectedFace[], opts: SuggestOptions): DetectedFace[][] {
  const interval = 1 / opts.sampleFps;
  const minIoU = opts.minIoU ?? 0.1;
  const byTime = new Map<number, DetectedFace[]>();
  for (const f of faces) byTime.set(f.tSec, [...(byTime.get(f.tSec) ?? []), f]);
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const tracks: DetectedFace[][] = [];
  for (const t of times) {
    const here = byTime.get(t)!;
    // Tracks whose last box is one sample back (a missed sample or two is bridged).
    const candidates = tracks.filter((tr) => t - tr[tr.length - 1]!.tSec <= 2.5 * interval + 1e-6);
    const pairs: { tr: DetectedFace[]; f: DetectedFace; score: number }[] = [];
    for (const tr of candidates) {
      const last = tr[tr.length - 1]!;
      for (const f of here) {
        const o = iou(last, f);
        const near = centreDistance(last, f) < Math.max(last.w, last.h, f.w, f.h);
        if (o >= minIoU || near) pairs.push({ tr, f, score: o + (near ? 0.01 : 0) });
      }
    }
    pairs.sort((a, b) => b.score - a.score);
    const usedTracks = new Set<DetectedFace[]>();
    const usedFaces = new Set<DetectedFace>();
    for (const p of pairs) {
      if (usedTracks.has(p.tr) || usedFaces.has(p.f)) continue;
      usedTracks.add(p.tr);
      usedFaces.add(p.f);
      p.tr.push(p.f);
    }
    for (const f of here) if (!usedFaces.has(f)) tracks.push([f]);
  }
  return tracks;
}

const clampRect = (r: Rect): Rect => {
  const x = Math.max(0, r.x);
  const y = Math.max(0, r.y);
  return { x, y, w: Math.min(1, r.x + r.w) - x, h: Math.min(1, r.y + r.h) - y };
};

/** Drops keyframes that the line between their neighbours reproduces within `tolerance`. */
export function simplifyKeyframes(ks: readonly Keyframe[], tolerance: number): Keyframe[] {
  if (ks.length <= 2) return [...ks];
  const out: Keyframe[] = [ks[0]!];
  for (let i = 1; i < ks.length - 1; i++) {
    const prev = out[out.length - 1]!;
    const next = ks[i + 1]!;
    const mid = boxAt({ keyframes: [prev, next] }, ks[i]!.t)!;
    const k = ks[i]!;
    const err = Math.max(Math.abs(mid.x - k.x), Math.abs(mid.y - k.y), Math.abs(mid.x + mid.w - k.x - k.w), Math.abs(mid.y + mid.h - k.y - k.h));
    if (err > tolerance) out.push(k);
  }
  out.push(ks[ks.length - 1]!);
  return out;
}

/**
 * Keyframed boxes (blur) for the faces of a video, one per track, padded and held half a sample
 * interval before the first and after the last detection, so no sampled face is left uncovered
 * between samples. Times never go below 0 (nor past `durationSec` when given).
 */
export function suggestFaceBoxes(faces: readonly DetectedFace[], opts: SuggestOptions & { durationSec?: number | null }): RedactionBox[] {
  const pad = opts.padding ?? 0.25;
  const half = 0.5 / opts.sampleFps;
  const end = opts.durationSec ?? Number.POSITIVE_INFINITY;
  const round = (n: number, d: number) => Math.round(n * d) / d;
  return linkTracks(faces, opts).map((track, i) => {
    const frames: Keyframe[] = track.map((f) => {
      const r = clampRect({ x: f.x - f.w * pad, y: f.y - f.h * pad, w: f.w * (1 + 2 * pad), h: f.h * (1 + 2 * pad) });
      return { t: f.tSec, x: round(r.x, 1e4), y: round(r.y, 1e4), w: round(r.w, 1e4), h: round(r.h, 1e4) };
    });
    const first = frames[0]!;
    const last = frames[frames.length - 1]!;
    const start = Math.max(0, first.t - half);
    const stop = Math.min(end, last.t + half);
    const ks: Keyframe[] = [{ ...first, t: round(start, 1e3) }, ...frames.filter((k) => k.t > start && k.t < stop), { ...last, t: round(Math.max(stop, start + 0.04), 1e3) }];
    return {
      id: `face-${i + 1}`,
      label: `face ${i + 1}`,
      effect: 'blur' as const,
      colour: '#000000',
      keyframes: simplifyKeyframes(ks, opts.tolerance ?? 0.01),
    };
  });
}
