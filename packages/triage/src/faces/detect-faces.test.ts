import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, MediaInputError, runTool, type MediaTools } from '@custodia/media';
import { faceDemoPhoto, makeFaceClip, makeFacelessClip, photoBoxesInClip, type FaceClip } from './testing-face-clips.js';
import { detectFaces, type FaceDetectResult } from './detect-faces.js';
import { closeFacePool } from './face-worker.pool.js';
import { matchBoxes } from './face-boxes.js';

let tools: MediaTools;
let dir: string;
let clip: FaceClip; // empty scene 0–1.5 s, sample1.jpg at (400,150) 640 px wide 1.5–3.5 s, empty to 6 s
let expected: { x: number; y: number; w: number; h: number }[]; // its faces, where the still photo's are
let noise: string;
let colour: string;
let audioOnly: string;
let stillResult: FaceDetectResult;

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-faces-'));
  audioOnly = join(dir, 'audio-only.m4a');
  const photo = faceDemoPhoto(1);
  [clip, noise, colour] = await Promise.all([
    makeFaceClip(tools, join(dir, 'clip.mp4'), { photo, x: 400, y: 150, width: 640, fromSec: 1.5, toSec: 3.5, durationSec: 6 }),
    makeFacelessClip(tools, join(dir, 'noise.mp4'), 'noise'),
    makeFacelessClip(tools, join(dir, 'colour.mp4'), 'colour'),
    runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', audioOnly]),
  ]);
  // Ground truth from the still photo itself (a single frame at full detail).
  stillResult = await detectFaces(tools, photo);
  assert.equal(stillResult.frames, 1);
  assert.ok(stillResult.maxFaces >= 3, `the detector finds the demo photo's three faces (found ${stillResult.maxFaces})`);
  expected = photoBoxesInClip(clip, stillResult.detections[0]!.boxes);
});
after(async () => {
  await closeFacePool();
  rmSync(dir, { recursive: true, force: true });
});

test('finds the faces while the photo is shown, where it is shown, and none on the empty scene', async () => {
  const r = await detectFaces(tools, clip.path);
  assert.equal(r.frames, 6);
  assert.equal(r.sampleFps, 1);
  assert.match(r.model, /^ssd-mobilenet-v1 .*face-api \d/);
  assert.ok(r.width <= 1280 && r.height <= 720);
  assert.deepEqual(r.detections.map((d) => d.tSec), [2, 3], 'faces at 2 s and 3 s only');
  for (const d of r.detections) {
    const m = matchBoxes(expected, d.boxes, 0.3);
    assert.ok(m.matched >= 2, `at ${d.tSec} s at least two of the photo's faces are found in place (IoU ${m.ious.map((v) => v.toFixed(2)).join(', ')})`);
    assert.equal(m.unmatchedFound, 0, `at ${d.tSec} s no box is elsewhere`);
    for (const b of d.boxes) {
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= 1 && b.y + b.h <= 1, 'normalised boxes');
      assert.ok(b.score >= 0.5 && b.score <= 1);
    }
  }
  assert.equal(r.framesWithFaces, 2);
  assert.equal(r.maxFaces, Math.max(...r.detections.map((d) => d.boxes.length)));
  assert.equal(r.warning, null);
  // Every frame's tensors are disposed: only the models' weights stay, the same count as after the still.
  assert.equal(r.maxTensors, stillResult.maxTensors);
});

test('thorough (tiles) finds at least as many of the faces, and the sample rate is honoured', async () => {
  const r = await detectFaces(tools, clip.path, { profile: 'thorough', sampleFps: 2, durationSec: 4 });
  assert.equal(r.frames, 8);
  assert.match(r.model, /\+tiles/);
  assert.deepEqual(r.detections.map((d) => d.tSec), [1.5, 2, 2.5, 3]);
  for (const d of r.detections) {
    const m = matchBoxes(expected, d.boxes, 0.3);
    assert.ok(m.matched >= 2, `at ${d.tSec} s`);
    assert.equal(m.unmatchedFound, 0, `at ${d.tSec} s no box is elsewhere`);
  }
});

test('noise and moving colour bars have no faces', async () => {
  for (const p of [noise, colour]) {
    const r = await detectFaces(tools, p);
    assert.equal(r.frames, 3);
    assert.equal(r.framesWithFaces, 0, p);
    assert.deepEqual(r.detections, []);
  }
});

test('not a video: a clear error, not a crash', async () => {
  const text = join(dir, 'notes.mp4');
  writeFileSync(text, 'this is a text file, not a recording\n'.repeat(20));
  await assert.rejects(detectFaces(tools, text), (e: unknown) => e instanceof MediaInputError && /^Cannot detect faces: /.test(e.message));
  await assert.rejects(detectFaces(tools, audioOnly), (e: unknown) => e instanceof MediaInputError && e.kind === 'no-video-stream' && /no video stream/.test(e.message));
  await assert.rejects(detectFaces(tools, clip.path, { sampleFps: 0 }), /sampleFps/);
});

test('a video whose picture cannot be decoded ends with a reason', async () => {
  // A well-formed MP4 whose coded frames are zeros: the container opens, no picture decodes.
  const bytes = readFileSync(noise);
  const mdat = bytes.indexOf('mdat');
  assert.ok(mdat > 0);
  bytes.fill(0, mdat + 200);
  const broken = join(dir, 'zeroed.mp4');
  writeFileSync(broken, bytes);
  await assert.rejects(detectFaces(tools, broken), (e: unknown) => {
    assert.ok(e instanceof MediaInputError, String(e));
    assert.match(e.message, /^Cannot detect faces: ./);
    return true;
  });
});

test('abort: rejects with the signal reason and leaves no ffmpeg behind', async () => {
  const ac = new AbortController();
  let pid = 0;
  const run = detectFaces(tools, clip.path, {
    sampleFps: 10,
    signal: ac.signal,
    onSpawn: (p) => (pid = p),
    onProgress: () => ac.abort(new Error('stop')),
  });
  await assert.rejects(run, /stop/);
  assert.ok(pid > 0);
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'ffmpeg is gone');
});
