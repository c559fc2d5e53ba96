// Synthetic material for tests and the bench, no ffmpeg needed: small gray frames of a fixed-camera
// scene with "people" crossing it, and whole fingerprints (hash sequences) of fixed cameras and of
// moving scenes, with planted near-duplicates (noisy copies, trimmed copies).
import { hashToHex } from './frame-hash.js';
import type { VideoFingerprint } from './fingerprint.js';

/** Deterministic PRNG (mulberry32), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Frames

export interface SyntheticBox {
  startSec: number;
  durSec: number;
  /** Top row and size in a 64×48 frame. */
  y: number;
  w: number;
  h: number;
  luma: number;
  direction?: 'ltr' | 'rtl';
}

export interface SyntheticSceneOptions {
  seconds: number;
  fps: number;
  boxes?: SyntheticBox[];
  /** Sensor noise amplitude (uniform ±), default 6. */
  noise?: number;
  seed?: number;
  /** Added to every pixel (a brighter export), default 0. */
  brightness?: number;
  /** Multiplies contrast around 128, default 1. */
  contrast?: number;
  /** Seconds added to every sample time (a copy sampled later). */
  phaseSec?: number;
}

export const SYNTHETIC_FRAME = { width: 64, height: 48 } as const;

/** Frames (64×48 gray) of a fixed corridor-like scene sampled at `fps`, with boxes crossing it. */
export function syntheticSceneFrames(o: SyntheticSceneOptions): Uint8Array[] {
  const { width: W, height: H } = SYNTHETIC_FRAME;
  const rng = mulberry32(o.seed ?? 1);
  const noise = o.noise ?? 6;
  const bg = new Float64Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 110 + 0.4 * y; // floor lighter towards the camera
      if (x % 8 === 0 || y % 6 === 0) v -= 35; // tiles
      if (x >= 4 && x < 16 && y >= 20 && y < 42) v = 80; // a door
      if (x >= 48 && x < 58 && y >= 18 && y < 42) v = 150; // another
      if (y >= 42) v = 70; // skirting
      bg[y * W + x] = v;
    }
  }
  const n = Math.floor(o.seconds * o.fps);
  const frames: Uint8Array[] = [];
  for (let f = 0; f < n; f++) {
    const t = f / o.fps + (o.phaseSec ?? 0);
    const px = Float64Array.from(bg);
    for (const b of o.boxes ?? []) {
      if (t < b.startSec || t > b.startSec + b.durSec) continue;
      const p = (t - b.startSec) / b.durSec;
      const x0 = Math.round(b.direction === 'rtl' ? W - p * (W + b.w) : p * (W + b.w) - b.w);
      for (let y = b.y; y < Math.min(H, b.y + b.h); y++) for (let x = Math.max(0, x0); x < Math.min(W, x0 + b.w); x++) px[y * W + x] = b.luma;
    }
    const out = new Uint8Array(W * H);
    const c = o.contrast ?? 1;
    const br = o.brightness ?? 0;
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((px[i]! - 128) * c + 128 + br + (rng() * 2 - 1) * noise)));
    frames.push(out);
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Hash sequences

export type Hash = [hi: number, lo: number];

export function randomHash(rng: () => number): Hash {
  return [((Math.floor(rng() * 2 ** 32) | 0x80000000) >>> 0), Math.floor(rng() * 2 ** 32) >>> 0];
}

/** Flips `bits` distinct random bits (never the always-set top bit). */
export function flipBits([hi, lo]: Hash, bits: number, rng: () => number): Hash {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(bits, 63)) chosen.add(1 + Math.floor(rng() * 63));
  for (const b of chosen) {
    if (b < 32) hi ^= 1 << (31 - b);
    else lo ^= 1 << (63 - b);
  }
  return [hi >>> 0, lo >>> 0];
}

function toFp(hashes: Hash[], fps: number): VideoFingerprint {
  return { version: 1, fps, hashes: hashes.map(([h, l]) => hashToHex(h, l)), durationSec: hashes.length / fps };
}

/**
 * A fixed camera: its background hash with 0–2 bits of noise per frame, and "events" (someone
 * crossing) every ~`eventEverySec` seconds: runs of frames 8–20 bits from the background, changing
 * from frame to frame.
 */
export function syntheticCameraHashes(rng: () => number, background: Hash, frames: number, fps: number, eventEverySec = 20): Hash[] {
  const out: Hash[] = [];
  let nextEvent = Math.floor(rng() * eventEverySec * fps);
  let inEvent = 0;
  let cur: Hash = background;
  for (let f = 0; f < frames; f++) {
    if (inEvent === 0 && f >= nextEvent) {
      inEvent = Math.floor((3 + rng() * 5) * fps);
      cur = flipBits(background, 10 + Math.floor(rng() * 8), rng);
      nextEvent = f + inEvent + Math.floor((0.3 + rng() * 1.4) * eventEverySec * fps);
    }
    if (inEvent > 0) {
      inEvent--;
      cur = flipBits(cur, 3 + Math.floor(rng() * 5), rng);
      out.push(cur);
    } else {
      out.push(flipBits(background, Math.floor(rng() * 3), rng));
    }
  }
  return out;
}

/** A moving scene (handheld phone, busy yard): a random walk of 4–10 bits per frame, cuts now and then. */
export function syntheticMovingHashes(rng: () => number, frames: number): Hash[] {
  const out: Hash[] = [];
  let cur = randomHash(rng);
  for (let f = 0; f < frames; f++) {
    cur = rng() < 0.01 ? randomHash(rng) : flipBits(cur, 4 + Math.floor(rng() * 7), rng);
    out.push(cur);
  }
  return out;
}

/** A copy: every hash with 0–maxFlips random bits flipped (re-encoding noise). */
export function noisyCopy(hashes: Hash[], rng: () => number, maxFlips = 3): Hash[] {
  return hashes.map((h) => flipBits(h, Math.floor(rng() * (maxFlips + 1)), rng));
}

export interface SyntheticCollection {
  items: { id: string; fp: VideoFingerprint }[];
  /** Planted near-duplicate pairs: b is a copy (noisy, possibly trimmed) of a, starting at offsetSec within it. */
  planted: { a: string; b: string; offsetSec: number; trimmed: boolean }[];
}

/**
 * `count` fingerprints of 60–600 hashes: half fixed cameras (cameraShare; several recordings share a
 * camera, i.e. a background hash — the hard negatives), half moving scenes, of which `plantedPairs`
 * are near-duplicates of others (half noisy full copies, half noisy trimmed sub-sequences).
 */
export function syntheticCollection(o: { count: number; plantedPairs: number; seed?: number; fps?: number; cameraShare?: number; recordingsPerCamera?: number }): SyntheticCollection {
  const rng = mulberry32(o.seed ?? 42);
  const fps = o.fps ?? 2;
  const originals = o.count - o.plantedPairs;
  const perCamera = o.recordingsPerCamera ?? 5;
  const hashes: Hash[][] = [];
  let background: Hash = randomHash(rng);
  for (let i = 0; i < originals; i++) {
    const frames = 60 + Math.floor(rng() * 541);
    if (rng() < (o.cameraShare ?? 0.5)) {
      if (i % perCamera === 0) background = randomHash(rng);
      hashes.push(syntheticCameraHashes(rng, background, frames, fps));
    } else {
      hashes.push(syntheticMovingHashes(rng, frames));
    }
  }
  const items = hashes.map((h, i) => ({ id: `v${i}`, fp: toFp(h, fps) }));
  const planted: SyntheticCollection['planted'] = [];
  const used = new Set<number>();
  for (let p = 0; p < o.plantedPairs; p++) {
    let src: number;
    do src = Math.floor(rng() * originals);
    while (used.has(src));
    used.add(src);
    const h = hashes[src]!;
    const trimmed = p % 2 === 1 && h.length >= 60;
    let start = 0;
    let part = h;
    if (trimmed) {
      const len = Math.max(20 * fps, Math.floor(h.length * (0.25 + rng() * 0.5)));
      start = Math.floor(rng() * (h.length - len));
      part = h.slice(start, start + len);
    }
    const id = `c${p}-of-v${src}`;
    items.push({ id, fp: toFp(noisyCopy(part, rng), fps) });
    planted.push({ a: `v${src}`, b: id, offsetSec: start / fps, trimmed });
  }
  return { items, planted };
}
