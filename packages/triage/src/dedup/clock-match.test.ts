import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraKey, clockContradicts, confirmAtClockOffset, OverlayClockIndex } from './clock-match.js';
import { fingerprintFromFrames } from './fingerprint.js';
import { matchFingerprints } from './match.js';
import { SYNTHETIC_FRAME, syntheticSceneFrames, type SyntheticBox } from './testing-synthetic.js';

const FPS = 2;
const T0 = Date.parse('2024-04-01T19:33:20Z');
const BOXES: SyntheticBox[] = [
  { startSec: 4, durSec: 4, y: 8, w: 8, h: 30, luma: 30 },
  { startSec: 50, durSec: 5, y: 10, w: 10, h: 28, luma: 200, direction: 'rtl' },
];
const fp = (f: Uint8Array[]) => fingerprintFromFrames(f, SYNTHETIC_FRAME, { fps: FPS });
/** A mirror image: another camera's scene (same kind of room, other view). */
const mirrored = (frames: Uint8Array[]) =>
  frames.map((f) => {
    const { width: W, height: H } = SYNTHETIC_FRAME;
    const out = new Uint8Array(f.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = f[(H - 1 - y) * W + (W - 1 - x)]!;
    return out;
  });

// One camera: a 60-s recording with people at 4 s and 50 s; a 14-s export of its quiet middle
// (another encoding: other noise, brighter, sampled 0.3 s later); the same camera on another day.
const original = fp(syntheticSceneFrames({ seconds: 60, fps: FPS, seed: 1, boxes: BOXES }));
const quietTrim = fp(syntheticSceneFrames({ seconds: 60, fps: FPS, seed: 9, noise: 8, brightness: 6, phaseSec: 0.3, boxes: BOXES }).slice(20 * FPS, 34 * FPS));
const otherDay = fp(syntheticSceneFrames({ seconds: 60, fps: FPS, seed: 4, boxes: [{ startSec: 30, durSec: 4, y: 9, w: 9, h: 30, luma: 40 }] }));

test('a quiet trim that the pictures alone cannot place is found by its clock and confirmed at the clock offset', () => {
  // The premise: nothing moves in the trim, so the fingerprint match, at any offset, cannot find it.
  assert.equal(matchFingerprints(original, quietTrim, { search: 'exhaustive' }).similar, false);
  assert.equal(matchFingerprints(otherDay, quietTrim, { search: 'exhaustive' }).similar, false);

  const idx = new OverlayClockIndex();
  assert.equal(idx.add('original', { label: 'CAM 3', start: new Date(T0).toISOString(), durationSec: 60 }), true);
  assert.equal(idx.add('other-day', { label: 'CAM 3', start: T0 + 86_400_000, durationSec: 60 }), true);
  assert.equal(idx.add('other-camera', { label: 'CAM 4', start: T0, durationSec: 60 }), true);
  assert.equal(idx.add('no-clock', { label: 'CAM 3', start: null, durationSec: 60 }), false);
  // The trim's clock reads whole seconds: 19:33:40 for a cut at 20.3 s.
  const trimClock = { label: 'cam  3', start: T0 + 20_000, durationSec: 14 };
  const cands = idx.candidates(trimClock);
  assert.deepEqual(cands.map((c) => c.id), ['original'], 'only the same label at the same time');
  assert.equal(cands[0]!.offsetSec, -20);

  const m = confirmAtClockOffset(original, quietTrim, -cands[0]!.offsetSec);
  assert.equal(m.similar, true, JSON.stringify(m));
  assert.equal(m.movement.reason, 'too-little-movement');
  assert.ok(Math.abs(m.offsetSec - 20.3) <= 0.5, `offset ${m.offsetSec}`);
  assert.ok(m.meanDistance <= 6, `distance ${m.meanDistance}`);
});

test('the pictures reject a clock candidate from another scene, and movement that contradicts the clock', () => {
  // Another camera that happens to carry the same label and time.
  const elsewhere = fp(mirrored(syntheticSceneFrames({ seconds: 60, fps: FPS, seed: 1, boxes: BOXES })).slice(20 * FPS, 34 * FPS));
  const m = confirmAtClockOffset(original, elsewhere, 20);
  assert.equal(m.similar, false);
  assert.equal(m.reason, 'pictures-differ', JSON.stringify(m));
  // The same camera, but a clock misread by 40 s puts the other day's person where the original has none.
  const d = confirmAtClockOffset(original, otherDay, 0);
  assert.equal(d.similar, false);
  assert.equal(d.reason, 'movement-differs', JSON.stringify(d));
});

test('allPairs: each overlapping pair once, later-added second, across hour buckets, never two days of one camera', () => {
  const idx = new OverlayClockIndex();
  // Spans 19:59:40–20:00:40: sits in two hour buckets.
  idx.add('a', { label: 'CAM 3 | CAM 3', start: Date.parse('2024-04-01T19:59:40Z'), durationSec: 60 });
  idx.add('b', { label: 'CAM 3', start: Date.parse('2024-04-01T20:00:10Z'), durationSec: 20 });
  idx.add('c', { label: 'CAM 3', start: Date.parse('2024-04-02T20:00:10Z'), durationSec: 20 });
  idx.add('d', { label: 'CAM 3', start: Date.parse('2024-04-01T20:00:38Z'), durationSec: 20 }); // 2 s in common: too short
  assert.deepEqual(idx.allPairs(), [{ a: 'a', b: 'b', offsetSec: 30 }]);
  assert.equal(cameraKey(' cam 3 |  CAM 3 '), 'CAM 3');
  assert.equal(cameraKey('КАМЕРА 3 | CAM 3'), 'CAM 3 | КАМЕРА 3');
  assert.equal(cameraKey(''), null);
});

test('clocks contradict a match placing a video on another day of the same camera, and nothing else', () => {
  const a = { label: 'CAM 3', start: T0, durationSec: 60 };
  assert.equal(clockContradicts(a, { label: 'cam 3', start: T0 + 20_000, durationSec: 14 }, 20.3), false);
  assert.equal(clockContradicts(a, { label: 'CAM 3', start: T0 + 86_400_000, durationSec: 60 }, 0.5), true);
  assert.equal(clockContradicts(a, { label: 'CAM 4', start: T0 + 86_400_000, durationSec: 60 }, 0.5), false, 'other label: no opinion');
  assert.equal(clockContradicts(a, { label: 'CAM 3', start: null, durationSec: 60 }, 0.5), false, 'no clock: no opinion');
});
