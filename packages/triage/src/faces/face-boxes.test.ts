import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipBox, iou, matchBoxes, mergeDetections } from './face-boxes.js';
import { parsePpmHeader } from './ppm-frame.stream.js';

const box = (x: number, y: number, w: number, h: number, score = 0.9) => ({ x, y, w, h, score });

test('iou: identical 1, disjoint 0, half-overlap 1/3', () => {
  assert.ok(Math.abs(iou(box(0.1, 0.1, 0.2, 0.2), box(0.1, 0.1, 0.2, 0.2)) - 1) < 1e-9);
  assert.equal(iou(box(0, 0, 0.1, 0.1), box(0.5, 0.5, 0.1, 0.1)), 0);
  assert.ok(Math.abs(iou(box(0, 0, 0.2, 0.2), box(0.1, 0, 0.2, 0.2)) - 1 / 3) < 1e-9);
});

test('clipBox keeps a box inside the frame', () => {
  const c = clipBox(box(-0.1, 0.9, 0.3, 0.3, 0.5));
  assert.deepEqual([c.x, c.y, c.w, c.h, c.score].map((v) => Math.round(v * 1e9) / 1e9), [0, 0.9, 0.2, 0.1, 0.5]);
});

test('mergeDetections keeps the most confident of overlapping boxes and drops parts inside a kept box', () => {
  const merged = mergeDetections([
    box(0.1, 0.1, 0.2, 0.2, 0.8),
    box(0.11, 0.1, 0.2, 0.2, 0.95), // the same face seen in a tile
    box(0.1, 0.1, 0.08, 0.2, 0.6), // its left part, cut by a tile edge
    box(0.6, 0.6, 0.1, 0.1, 0.7), // another face
  ]);
  assert.deepEqual(merged.map((b) => b.score), [0.95, 0.7]);
});

test('matchBoxes matches each box once, best IoU first', () => {
  const m = matchBoxes([box(0, 0, 0.1, 0.1), box(0.5, 0.5, 0.1, 0.1)], [box(0.01, 0, 0.1, 0.1), box(0.02, 0, 0.1, 0.1), box(0.9, 0.9, 0.05, 0.05)]);
  assert.equal(m.matched, 1);
  assert.equal(m.unmatchedFound, 2);
});

test('parsePpmHeader: complete, incomplete, hostile', () => {
  assert.deepEqual(parsePpmHeader(Buffer.from('P6\n1280 720\n255\nxyz')), { width: 1280, height: 720, headerBytes: 16 });
  assert.equal(parsePpmHeader(Buffer.from('P6\n1280 72')), null);
  assert.equal(parsePpmHeader(Buffer.from('P6\n1280 720\n255')), null, 'the byte after the maximum is part of the header');
  assert.throws(() => parsePpmHeader(Buffer.from('P5\n10 10\n255\n')), /8-bit P6/);
  assert.throws(() => parsePpmHeader(Buffer.from('P6\n99999 10\n255\n')), /unusable size/);
});
