import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../errors.js';
import { boxAt, normaliseRecipe, recipeSha256, RECIPE_FORMAT } from './redaction-recipe.js';
import { linkTracks, suggestFaceBoxes } from './face-tracks.js';

const box = (keyframes: { t: number; x: number; y: number; w: number; h: number }[]) => ({ id: 'b1', effect: 'blur' as const, keyframes });

describe('redaction recipe', () => {
  it('interpolates a box linearly between keyframes and is active from the first to the last', () => {
    const b = box([
      { t: 1, x: 0.1, y: 0.2, w: 0.1, h: 0.1 },
      { t: 3, x: 0.5, y: 0.2, w: 0.3, h: 0.1 },
      { t: 4, x: 0.5, y: 0.6, w: 0.3, h: 0.2 },
    ]);
    assert.equal(boxAt(b, 0.999), null);
    assert.equal(boxAt(b, 4.001), null);
    assert.deepEqual(boxAt(b, 1), { x: 0.1, y: 0.2, w: 0.1, h: 0.1 });
    const mid = boxAt(b, 2)!;
    assert.ok(Math.abs(mid.x - 0.3) < 1e-12 && Math.abs(mid.w - 0.2) < 1e-12 && mid.y === 0.2);
    const late = boxAt(b, 3.5)!;
    assert.ok(Math.abs(late.y - 0.4) < 1e-12 && Math.abs(late.h - 0.15) < 1e-12 && late.x === 0.5);
    assert.deepEqual(boxAt(b, 4), { x: 0.5, y: 0.6, w: 0.3, h: 0.2 });
  });

  it('normalises to one canonical form: sorted keyframes, rounded numbers, merged mute ranges, defaults', () => {
    const a = normaliseRecipe({
      format: RECIPE_FORMAT,
      boxes: [{ ...box([{ t: 2, x: 0.30000001, y: 0.2, w: 0.1, h: 0.1 }, { t: 1, x: 0.1, y: 0.2, w: 0.1, h: 0.1 }]), colour: '#FFAA00' }],
      audio: { mute: [{ start: 5, end: 6 }, { start: 1, end: 2 }, { start: 1.5, end: 3 }] },
    });
    assert.deepEqual(a.boxes[0]!.keyframes.map((k) => k.t), [1, 2]);
    assert.equal(a.boxes[0]!.keyframes[1]!.x, 0.3);
    assert.equal(a.boxes[0]!.colour, '#ffaa00');
    assert.deepEqual(a.audio, { mute: [{ start: 1, end: 3 }, { start: 5, end: 6 }], bleep: false });
    assert.equal(a.keepOverlay, true);
    assert.equal(a.clip, null);
    const b = normaliseRecipe(JSON.parse(JSON.stringify({ ...a, boxes: [{ ...a.boxes[0], keyframes: [...a.boxes[0]!.keyframes].reverse() }] })));
    assert.equal(recipeSha256(a), recipeSha256(b));
    assert.match(recipeSha256(a), /^[0-9a-f]{64}$/);
    assert.notEqual(recipeSha256(a), recipeSha256({ ...a, keepOverlay: false }));
  });

  it('refuses bad recipes saying where', () => {
    const bad = (r: unknown, where: RegExp) => {
      try {
        normaliseRecipe(r);
        assert.fail('accepted');
      } catch (e) {
        assert.ok(isDomainError(e) && e.code === 'Invalid', String(e));
        assert.match(e.message, where);
      }
    };
    bad({ format: 'other/1', boxes: [] }, /format/);
    bad({ format: RECIPE_FORMAT, boxes: [box([{ t: 1, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }])] }, /boxes\[0\]\.keyframes/);
    bad({ format: RECIPE_FORMAT, boxes: [box([{ t: 1, x: 1.5, y: 0.1, w: 0.1, h: 0.1 }, { t: 2, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }])] }, /boxes\[0\]\.keyframes\[0\]\.x/);
    bad({ format: RECIPE_FORMAT, boxes: [box([{ t: 1, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }, { t: 1, x: 0.2, y: 0.1, w: 0.1, h: 0.1 }])] }, /two keyframes at 1 s/);
    bad({ format: RECIPE_FORMAT, boxes: [box([{ t: 1, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }, { t: 2, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }]), box([{ t: 1, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }, { t: 2, x: 0.1, y: 0.1, w: 0.1, h: 0.1 }])] }, /used twice/);
    bad({ format: RECIPE_FORMAT, boxes: [], clip: { start: 3, end: 2 } }, /clip/);
    bad({ format: RECIPE_FORMAT, boxes: [], audio: { mute: [{ start: 3, end: 3 }] } }, /audio\.mute\[0\]/);
    bad({ format: RECIPE_FORMAT, boxes: [], extra: 1 }, /recipe/);
  });
});

describe('face suggestions', () => {
  const f = (tSec: number, x: number, y = 0.3) => ({ tSec, x, y, w: 0.1, h: 0.1, score: 0.9 });
  it('links overlapping boxes on consecutive samples into tracks, apart from faces elsewhere', () => {
    const faces = [f(0, 0.1), f(0, 0.7), f(1, 0.13), f(1, 0.7), f(2, 0.16), f(4, 0.7)];
    const tracks = linkTracks(faces, { sampleFps: 1 });
    assert.equal(tracks.length, 3); // the face at 0.7 is back at t=4, three samples later: a new track
    assert.deepEqual(tracks[0]!.map((x) => x.tSec), [0, 1, 2]);
    assert.deepEqual(tracks[1]!.map((x) => x.x), [0.7, 0.7]);
  });
  it('turns a track into a padded keyframed box held half a sample either side', () => {
    const [b] = suggestFaceBoxes([f(1, 0.1), f(2, 0.15), f(3, 0.2)], { sampleFps: 1, padding: 0.25, durationSec: 3.2 });
    assert.ok(b);
    const ks = b.keyframes;
    assert.equal(ks[0]!.t, 0.5);
    assert.equal(ks[ks.length - 1]!.t, 3.2);
    assert.ok(!ks.some((k) => k.t === 2), 'a sample on the line between its neighbours is not kept as a keyframe');
    assert.ok(Math.abs(ks[0]!.x - 0.075) < 1e-9 && Math.abs(ks[0]!.w - 0.15) < 1e-9);
    const at2 = boxAt(b, 2)!;
    assert.ok(at2.x <= 0.15 && at2.x + at2.w >= 0.25, 'the face at t=2 is inside the interpolated box');
    const normalised = normaliseRecipe({ format: RECIPE_FORMAT, boxes: [b] });
    assert.equal(normalised.boxes.length, 1);
  });
});
