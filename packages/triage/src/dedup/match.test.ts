import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingHex } from './frame-hash.js';
import { fingerprintFromFrames, type VideoFingerprint } from './fingerprint.js';
import { classifyOverlap, matchFingerprints, maxUnexplainedFor, UNEXPLAINED_RELAXED, UNEXPLAINED_STRICT } from './match.js';
import { prepareFingerprint } from './prepared.js';
import { SYNTHETIC_FRAME, syntheticSceneFrames, type SyntheticBox, type SyntheticSceneOptions } from './testing-synthetic.js';

const FPS = 2;
const box = (startSec: number, durSec: number, y: number, w: number, h: number, luma: number, direction: 'ltr' | 'rtl' = 'ltr'): SyntheticBox =>
  ({ startSec, durSec, y, w, h, luma, direction });
// One corridor camera, 60 s: people crossing at different moments.
const EVENTS_1 = [box(4, 4, 8, 8, 30, 30), box(15, 5, 10, 10, 28, 200, 'rtl'), box(27, 4, 6, 7, 34, 50), box(38, 6, 9, 9, 30, 20, 'rtl'), box(50, 4, 8, 8, 30, 230)];
const EVENTS_2 = [box(9, 5, 9, 12, 26, 60, 'rtl'), box(21, 3, 7, 6, 33, 180), box(33, 5, 10, 8, 28, 25), box(46, 4, 8, 11, 30, 90, 'rtl')];

function fp(o: Partial<SyntheticSceneOptions> & { boxes: SyntheticBox[] }, trim?: [number, number]): VideoFingerprint {
  let frames = syntheticSceneFrames({ seconds: 60, fps: FPS, seed: 1, ...o });
  if (trim) frames = frames.slice(trim[0] * FPS, trim[1] * FPS);
  return fingerprintFromFrames(frames, SYNTHETIC_FRAME, { fps: FPS });
}

const original = fp({ boxes: EVENTS_1 });

test('a re-exported copy (noise, brighter, sampled 0.2 s later) is the same recording at offset ≈ 0', () => {
  const copy = fp({ boxes: EVENTS_1, seed: 9, noise: 9, brightness: 18, contrast: 1.1, phaseSec: 0.2 });
  const m = matchFingerprints(original, copy);
  assert.equal(m.similar, true, JSON.stringify(m));
  assert.equal(m.kind, 'same-recording');
  assert.ok(Math.abs(m.offsetSec) <= 0.5, `offset ${m.offsetSec}`);
  assert.ok(m.movingSec >= 10);
});

test('a trimmed copy is a segment at its offset; seen from the other side it contains the original', () => {
  const clip = fp({ boxes: EVENTS_1, seed: 4, noise: 8 }, [20, 40]);
  const m = matchFingerprints(original, clip);
  assert.equal(m.similar, true, JSON.stringify(m));
  assert.equal(m.kind, 'segment-of');
  assert.ok(Math.abs(m.offsetSec - 20) <= 0.5, `offset ${m.offsetSec}`);
  assert.equal(m.overlapSec, 20);
  const back = matchFingerprints(clip, original);
  assert.equal(back.similar, true);
  assert.equal(back.kind, 'contains');
  assert.ok(Math.abs(back.offsetSec + 20) <= 0.5, `offset ${back.offsetSec}`);
  // the voted search (used on long recordings) finds the same alignment
  const voted = matchFingerprints(original, clip, { search: 'votes' });
  assert.equal(voted.similar, true);
  assert.ok(Math.abs(voted.offsetSec - 20) <= 0.5);
});

test('two partly overlapping exports are a partial overlap', () => {
  const early = fp({ boxes: EVENTS_1, seed: 2 }, [0, 35]);
  const late = fp({ boxes: EVENTS_1, seed: 3 }, [20, 60]);
  const m = matchFingerprints(early, late);
  assert.equal(m.similar, true, JSON.stringify(m));
  assert.equal(m.kind, 'partial-overlap');
  assert.ok(Math.abs(m.offsetSec - 20) <= 0.5);
  assert.equal(m.overlapSec, 15);
});

test('static-scene trap: another recording of the same camera, people at other times, does not match', () => {
  const other = fp({ boxes: EVENTS_2, seed: 7 });
  // Frame by frame they look alike whenever nobody is in view in either: the same empty corridor.
  const busy = (t: number): boolean => [...EVENTS_1, ...EVENTS_2].some((e) => t >= e.startSec - 0.5 && t <= e.startSec + e.durSec + 0.5);
  const quiet = original.hashes.map((h, i) => [h, other.hashes[i]!, i / FPS] as const).filter(([, , t]) => !busy(t));
  assert.ok(quiet.length >= 16, `${quiet.length} quiet frames`);
  const alike = quiet.filter(([x, y]) => hammingHex(x, y) <= 6).length / quiet.length;
  assert.ok(alike >= 0.8, `only ${alike} of the quiet frames look alike: the trap is not set`);
  const m = matchFingerprints(original, other, { search: 'exhaustive' });
  assert.equal(m.similar, false, JSON.stringify(m));
  assert.equal(m.reason, 'different');
  // nor does a clip of it, at any offset
  const clip = fp({ boxes: EVENTS_2, seed: 8 }, [5, 25]);
  assert.equal(matchFingerprints(original, clip, { search: 'exhaustive' }).similar, false);
});

test('recordings without any movement cannot be told apart and are never called similar', () => {
  const a = fp({ boxes: [], seed: 1 });
  const b = fp({ boxes: [], seed: 2 });
  const m = matchFingerprints(a, b);
  assert.equal(m.similar, false);
  assert.equal(m.reason, 'too-little-movement');
  assert.ok(m.meanDistance < 2, 'the frames themselves are alike');
});

test('a different scene does not match', () => {
  const frames = syntheticSceneFrames({ seconds: 30, fps: FPS, boxes: EVENTS_1 }).map((f) => f.map((v, i) => (i % 64 < 32 ? 255 - v : v)));
  const m = matchFingerprints(original, fingerprintFromFrames(frames, SYNTHETIC_FRAME, { fps: FPS }));
  assert.equal(m.similar, false);
});

test('short overlaps and mismatched fingerprints', () => {
  const clip = fp({ boxes: EVENTS_1, seed: 4 }, [14, 18]);
  const m = matchFingerprints(original, clip);
  assert.equal(m.similar, false);
  assert.equal(m.reason, 'short-overlap');
  const oneFps = fingerprintFromFrames(syntheticSceneFrames({ seconds: 10, fps: 1 }), SYNTHETIC_FRAME, { fps: 1 });
  assert.throws(() => matchFingerprints(original, oneFps), RangeError);
  const dhash = fingerprintFromFrames(syntheticSceneFrames({ seconds: 10, fps: FPS }), SYNTHETIC_FRAME, { fps: FPS, algorithm: 'dhash' });
  assert.throws(() => matchFingerprints(original, dhash), RangeError);
  assert.throws(() => prepareFingerprint({ version: 1, fps: 2, hashes: ['nothex'], durationSec: 0.5 }), TypeError);
});

test('fingerprints survive JSON', () => {
  const copy = JSON.parse(JSON.stringify(original)) as VideoFingerprint;
  assert.deepEqual(copy, original);
  assert.equal(original.durationSec, 60);
  assert.equal(original.hashes.length, 120);
  assert.equal(matchFingerprints(original, copy).kind, 'same-recording');
});

test('thresholds and overlap kinds', () => {
  assert.equal(maxUnexplainedFor(3), UNEXPLAINED_STRICT);
  assert.ok(Math.abs(maxUnexplainedFor(60) - UNEXPLAINED_RELAXED) < 1e-9);
  assert.equal(classifyOverlap(0, 40, 40.5), 'same-recording');
  assert.equal(classifyOverlap(12.4, 40, 10), 'segment-of');
  assert.equal(classifyOverlap(-12, 10, 40), 'contains');
  assert.equal(classifyOverlap(30, 40, 20), 'partial-overlap');
});
