import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintFromFrames } from './fingerprint.js';
import { matchFingerprints } from './match.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import { prepareFingerprint } from './prepared.js';
import { SYNTHETIC_FRAME, syntheticCollection, syntheticSceneFrames } from './testing-synthetic.js';

const key = (a: string, b: string): string => [a, b].sort().join('|');

test('allPairs finds the planted near-duplicates with their offsets, and nothing else', () => {
  const col = syntheticCollection({ count: 400, plantedPairs: 30, seed: 7 });
  const idx = new NearDuplicateIndex();
  for (const it of col.items) idx.add(it.id, it.fp);
  const pairs = idx.allPairs();
  const byId = new Map(col.items.map((i) => [i.id, i.fp]));
  const found = new Map(pairs.map((p) => [key(p.a, p.b), p]));
  let findable = 0;
  for (const pl of col.planted) {
    // A trimmed copy of a quiet camera stretch has too little movement to be recognised by anyone.
    const truth = matchFingerprints(byId.get(pl.a)!, byId.get(pl.b)!, { search: 'exhaustive' });
    if (truth.reason === 'too-little-movement') continue;
    findable++;
    const p = found.get(key(pl.a, pl.b));
    assert.ok(p, `planted pair ${pl.a} ~ ${pl.b} not found (exhaustive: ${JSON.stringify(truth)})`);
    assert.equal(p.a, pl.a);
    assert.ok(Math.abs(p.offsetSec - pl.offsetSec) <= 0.5, `${pl.b}: offset ${p.offsetSec}, planted ${pl.offsetSec}`);
    assert.equal(p.kind, pl.trimmed ? 'segment-of' : 'same-recording');
  }
  assert.ok(findable >= 25, `${findable} findable planted pairs`);
  const planted = new Set(col.planted.map((p) => key(p.a, p.b)));
  const extra = pairs.filter((p) => !planted.has(key(p.a, p.b)));
  assert.deepEqual(extra, [], 'pairs that were not planted');
  // Candidate generation looked at far fewer videos than all pairs.
  const st = idx.stats();
  assert.equal(st.videos, 400);
  assert.ok(st.indexedFrames < st.frames, 'static frames are not indexed');
});

test('query, groups and offsets on a common timeline', () => {
  const frames = syntheticSceneFrames({
    seconds: 60, fps: 2, seed: 1,
    boxes: [
      { startSec: 4, durSec: 4, y: 8, w: 8, h: 30, luma: 30 }, { startSec: 15, durSec: 5, y: 10, w: 10, h: 28, luma: 200, direction: 'rtl' },
      { startSec: 27, durSec: 4, y: 6, w: 7, h: 34, luma: 50 }, { startSec: 38, durSec: 6, y: 9, w: 9, h: 30, luma: 20, direction: 'rtl' },
      { startSec: 50, durSec: 4, y: 8, w: 8, h: 30, luma: 230 },
    ],
  });
  const noisy = syntheticSceneFrames({ seconds: 60, fps: 2, seed: 5, noise: 10, brightness: 12, boxes: [
    { startSec: 4, durSec: 4, y: 8, w: 8, h: 30, luma: 30 }, { startSec: 15, durSec: 5, y: 10, w: 10, h: 28, luma: 200, direction: 'rtl' },
    { startSec: 27, durSec: 4, y: 6, w: 7, h: 34, luma: 50 }, { startSec: 38, durSec: 6, y: 9, w: 9, h: 30, luma: 20, direction: 'rtl' },
    { startSec: 50, durSec: 4, y: 8, w: 8, h: 30, luma: 230 },
  ] });
  const other = syntheticSceneFrames({ seconds: 60, fps: 2, seed: 3, boxes: [
    { startSec: 9, durSec: 5, y: 9, w: 12, h: 26, luma: 60, direction: 'rtl' }, { startSec: 22, durSec: 3, y: 7, w: 6, h: 33, luma: 180 },
    { startSec: 44, durSec: 5, y: 10, w: 8, h: 28, luma: 25 },
  ] });
  const fp = (f: Uint8Array[]) => fingerprintFromFrames(f, SYNTHETIC_FRAME);
  const idx = new NearDuplicateIndex();
  idx.add('original', fp(frames));
  idx.add('reencode', fp(noisy));
  idx.add('clip-12s', fp(frames.slice(24, 64)));
  idx.add('clip-40s', fp(noisy.slice(80, 120)));
  idx.add('same-camera-other-day', fp(other));
  assert.throws(() => idx.add('original', fp(frames)), /already indexed/);
  assert.throws(() => idx.add('one-fps', fingerprintFromFrames(frames.slice(0, 20), SYNTHETIC_FRAME, { fps: 1 })), RangeError);

  const hits = idx.query(fp(frames.slice(40, 90)));
  assert.deepEqual(hits.map((h) => h.id).sort(), ['clip-12s', 'clip-40s', 'original', 'reencode']);
  const orig = hits.find((h) => h.id === 'original')!;
  // the query (20 s → 45 s) lies within 'original', which starts 20 s before it
  assert.ok(Math.abs(orig.offsetSec + 20) <= 0.5, `offset ${orig.offsetSec}`);
  assert.equal(orig.kind, 'contains');
  assert.ok(orig.score > 0.8);
  assert.equal(idx.query(fp(frames), { excludeId: 'original' }).some((h) => h.id === 'original'), false);

  const groups = idx.groups();
  assert.equal(groups.length, 1, JSON.stringify(groups));
  const g = groups[0]!;
  assert.equal(g.reference, 'original');
  const at = new Map(g.members.map((m) => [m.id, m.offsetSec]));
  assert.deepEqual([...at.keys()].sort(), ['clip-12s', 'clip-40s', 'original', 'reencode']);
  assert.equal(at.get('original'), 0);
  assert.ok(Math.abs(at.get('reencode')!) <= 0.5);
  assert.ok(Math.abs(at.get('clip-12s')! - 12) <= 0.5);
  assert.ok(Math.abs(at.get('clip-40s')! - 40) <= 0.5);
});

test('over-full buckets are dropped and the index still finds copies', () => {
  const col = syntheticCollection({ count: 120, plantedPairs: 10, seed: 3 });
  const idx = new NearDuplicateIndex({ maxBucketSize: 8 });
  for (const it of col.items) idx.add(it.id, it.fp);
  assert.ok(idx.stats().droppedBuckets > 0);
  const found = new Set(idx.allPairs().map((p) => key(p.a, p.b)));
  const byId = new Map(col.items.map((i) => [i.id, i.fp]));
  const findable = col.planted.filter((p) => matchFingerprints(byId.get(p.a)!, byId.get(p.b)!).similar);
  const hit = findable.filter((p) => found.has(key(p.a, p.b))).length;
  assert.ok(hit >= findable.length - 1, `${hit} of ${findable.length}`);
  assert.ok(prepareFingerprint(col.items[0]!.fp).length > 0);
});
