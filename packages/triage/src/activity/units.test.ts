import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseY4mHeader } from './frame-stream.js';
import { FrameDiffer } from './motion.js';
import { mergeRects, OverlayLearner } from './overlay-mask.js';
import { extractSegments } from './segments.js';

test('segments: hysteresis, merging of short gaps, blips dropped', () => {
  const curve = [0, 0.1, 0.5, 0.9, 0.2, 0, 0.6, 0.7, 0, 0, 0, 0, 0.4, 0, 0, 0, 0.9, 0];
  const s = extractSegments(curve, { high: 0.35, low: 0.15, mergeGapSec: 2, minDurationSec: 2, keepPeak: 0.8 });
  // 2–5 and 6–8 merge (gap 1 s); 12 is a one-second blip below keepPeak; 16 is kept for its peak.
  assert.deepEqual(s.map((x) => [x.startSec, x.endSec, x.peak]), [[2, 8, 0.9], [16, 17, 0.9]]);
  assert.equal(s[0]!.score, 2.9);
  assert.deepEqual(extractSegments([0.2, 0.3, 0.2]), [], 'never reaches high');
  assert.deepEqual(extractSegments([]), []);
});

test('y4m header: size and rate; only grey accepted', () => {
  assert.deepEqual(parseY4mHeader('YUV4MPEG2 W160 H90 F25:1 Ip A1:1 Cmono XCOLORRANGE=FULL'), { width: 160, height: 90, fps: 25 });
  assert.deepEqual(parseY4mHeader('YUV4MPEG2 W320 H180 F30000:1001 Cmono\n').fps.toFixed(3), '29.970');
  assert.throws(() => parseY4mHeader('YUV4MPEG2 W320 H180 F25:1 C420jpeg'), /expected mono/);
  assert.throws(() => parseY4mHeader('P5 320 180 255'), /not a YUV4MPEG2/);
  assert.throws(() => parseY4mHeader('YUV4MPEG2 W0 H180 Cmono'), /size/);
});

/** A textured 160x90 frame with per-pixel noise. */
function scene(seed: number, noise: number, gain = 1, offset = 0): Uint8Array {
  const w = 160;
  const f = new Uint8Array(160 * 90);
  let s = seed;
  for (let i = 0; i < f.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = i % w;
    const y = (i - x) / w;
    const base = 60 + ((x * 3 + y * 5) % 90) + (y > 60 ? 30 : 0);
    f[i] = Math.max(0, Math.min(255, Math.round(base * gain + offset + ((s >>> 16) / 65536 - 0.5) * 2 * noise)));
  }
  return f;
}

function box(f: Uint8Array, x0: number, y0: number, w: number, h: number, v: number): Uint8Array {
  const out = Uint8Array.from(f);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out[y * 160 + x] = v;
  return out;
}

test('frame differ: noise is not movement, a person-sized box is, a brightness step is global', () => {
  const d = new FrameDiffer(160, 90);
  const a = scene(1, 4);
  const b = scene(2, 4);
  const still = d.diff(a, b, null);
  assert.equal(still.movingFrac, 0);
  assert.equal(still.global, false);
  const moved = d.diff(a, box(b, 50, 40, 6, 14, 20), null);
  assert.ok(moved.movingFrac > 0.004 && moved.movingFrac < 0.01, `moving ${moved.movingFrac}`);
  const brighter = d.diff(a, scene(3, 4, 1.3, 25), null);
  assert.equal(brighter.movingFrac, 0);
  assert.equal(brighter.global, true, 'a lights-on step is reported as global');
  // Masked pixels are never changed.
  const mask = new Uint8Array(160 * 90);
  for (let y = 40; y < 54; y++) mask.fill(1, y * 160 + 50, y * 160 + 56);
  assert.equal(d.diff(a, box(b, 50, 40, 6, 14, 20), mask).movingFrac, 0);
});

test('overlay learner: a spot changing every pair near the top is masked as a text line; scattered noise is not', () => {
  const l = new OverlayLearner(160, 90);
  const changed = new Uint8Array(160 * 90);
  for (let p = 0; p < 20; p++) {
    changed.fill(0);
    // "seconds digit" at x 120–122, y 4–6: some of its pixels every time.
    for (let y = 4; y <= 6; y++) for (let x = 120; x <= 122; x++) if ((x + y + p) % 2 === 0) changed[y * 160 + x] = 1;
    // noise: one pixel somewhere else each time
    changed[((p * 7919) % 14400)] = 1;
    l.add(changed);
  }
  const { rects, mask } = l.finish();
  assert.equal(rects.length, 1, JSON.stringify(rects));
  const r = rects[0]!;
  assert.ok(r.x < 110 && r.x + r.w >= 123 && r.y <= 4 && r.y + r.h >= 7, JSON.stringify(r));
  assert.equal(mask![5 * 160 + 121], 1);
  assert.deepEqual(mergeRects([{ x: 0, y: 0, w: 5, h: 5 }, { x: 4, y: 4, w: 5, h: 5 }, { x: 20, y: 20, w: 1, h: 1 }]), [{ x: 0, y: 0, w: 9, h: 9 }, { x: 20, y: 20, w: 1, h: 1 }]);
});
