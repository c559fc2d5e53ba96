import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, MediaInputError, runTool, type MediaTools } from '@custodia/media';
import { makeCctvClip, type CctvClip, type CctvRect } from '../testing/index.js';
import { detectActivity, type ActivityResult } from './detect.js';

let tools: MediaTools;
let dir: string;
let walk: CctvClip; // a figure walking through, 6–11 s
let walkMjpeg: CctvClip; // the same as MJPEG in AVI (lowres decoding path)
let quiet: CctvClip; // noise and a ticking clock only
let lights: CctvClip; // lights switched on at 9 s, nobody there
let audioOnly: string;

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-activity-'));
  const clock = { position: 'top-right' as const, fontSize: 32 };
  audioOnly = join(dir, 'audio-only.m4a');
  const made = await Promise.all([
    makeCctvClip(join(dir, 'walk.mp4'), { durationSec: 18, noise: 8, clock, events: [{ startSec: 6, endSec: 11, from: 'left' }], seed: 3 }, { tools }),
    makeCctvClip(join(dir, 'walk.avi'), { durationSec: 14, codec: 'mjpeg', noise: 8, clock, events: [{ startSec: 5, endSec: 10, from: 'right' }], seed: 4 }, { tools }),
    makeCctvClip(join(dir, 'quiet.mp4'), { durationSec: 24, noise: 14, clock: { position: 'top-left', fontSize: 32 }, seed: 5 }, { tools }),
    makeCctvClip(join(dir, 'lights.mp4'), { durationSec: 18, noise: 8, clock, lightsStep: { atSec: 9, delta: -0.3 }, seed: 6 }, { tools }),
    runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'aac', audioOnly]),
  ]);
  [walk, walkMjpeg, quiet, lights] = [made[0], made[1], made[2], made[3]];
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A masked rectangle (analysis pixels) covers most of `r` (source pixels). */
function covers(res: ActivityResult, r: CctvRect, srcW = 1280, srcH = 720): boolean {
  const sx = res.width / srcW;
  const sy = res.height / srcH;
  return res.masked.some((m) => {
    const ix = Math.max(0, Math.min(m.x + m.w, (r.x + r.w) * sx) - Math.max(m.x, r.x * sx));
    const iy = Math.max(0, Math.min(m.y + m.h, (r.y + r.h) * sy) - Math.max(m.y, r.y * sy));
    return ix * iy >= 0.8 * r.w * sx * r.h * sy;
  });
}

for (const mode of ['fast', 'thorough'] as const) {
  test(`${mode}: a figure walking through from 6 to 11 s is one segment, found to within about a second`, async () => {
    const progress: number[] = [];
    const r = await detectActivity(tools, walk.path, { mode, onProgress: (p) => progress.push(p.doneSec) });
    assert.equal(r.segments.length, 1, JSON.stringify(r.segments));
    const s = r.segments[0]!;
    assert.ok(Math.abs(s.startSec - 6) <= 1.5 && Math.abs(s.endSec - 11) <= 1.5, `segment ${s.startSec}–${s.endSec} s for an event at 6–11 s`);
    assert.ok(s.peak > 0.5 && s.score > 1);
    assert.equal(r.mode, mode);
    // Keyframes only: the curve ends with the last keyframe (every 2 s here) unless durationSec says more.
    assert.ok(r.curve.length >= (mode === 'fast' ? 16 : 18) && r.curve.length <= 18, `curve of ${r.curve.length} s`);
    assert.ok(r.curve.every((v) => v >= 0 && v <= 1));
    assert.deepEqual([r.width, r.height], mode === 'fast' ? [160, 90] : [320, 180]);
    assert.equal(r.fps, mode === 'fast' ? 1 : 5);
    assert.equal(r.decode, mode === 'fast' ? 'keyframes' : 'all');
    assert.ok(r.decodedSeconds >= 15 && r.decodedSeconds <= 18.5, `decoded ${r.decodedSeconds} s`);
    assert.ok(covers(r, walk.clockTimeRect!), `clock ${JSON.stringify(walk.clockTimeRect)} masked: ${JSON.stringify(r.masked)}`);
    assert.ok(progress.length >= 1 && progress[progress.length - 1]! >= 15);
  });

  test(`${mode}: noise and a ticking clock only: no segment, and the clock is reported as masked`, async () => {
    const r = await detectActivity(tools, quiet.path, { mode });
    assert.deepEqual(r.segments, []);
    assert.ok(covers(r, quiet.clockTimeRect!), `clock ${JSON.stringify(quiet.clockTimeRect)} masked: ${JSON.stringify(r.masked)}`);
    assert.ok(Math.max(...r.curve) < 0.35, `curve ${r.curve.join(' ')}`);
  });

  test(`${mode}: lights switched on is a global change, not a long segment`, async () => {
    const r = await detectActivity(tools, lights.path, { mode });
    for (const s of r.segments) assert.ok(s.endSec - s.startSec <= 2, `segment ${s.startSec}–${s.endSec} s`);
    assert.ok(r.globalChanges.some((t) => t >= 7 && t <= 10), `global changes ${r.globalChanges.join(',')}`);
  });
}

test('fast: MJPEG (every frame a keyframe, decoded at 1/4 size) finds the event too', async () => {
  const r = await detectActivity(tools, walkMjpeg.path, { mode: 'fast' });
  assert.equal(r.segments.length, 1, JSON.stringify(r.segments));
  const s = r.segments[0]!;
  assert.ok(Math.abs(s.startSec - 5) <= 1.5 && Math.abs(s.endSec - 10) <= 1.5, `segment ${s.startSec}–${s.endSec} s for an event at 5–10 s`);
});

test('durationSec stops the analysis there', async () => {
  const r = await detectActivity(tools, walk.path, { mode: 'fast', durationSec: 8 });
  assert.equal(r.curve.length, 8);
  assert.ok(r.decodedSeconds <= 8);
});

test('no video stream, not a video, no file: a MediaInputError saying so', async () => {
  const notVideo = join(dir, 'notes.mp4');
  writeFileSync(notVideo, 'these are not the frames you are looking for\n'.repeat(50));
  const cases: [string, string][] = [
    [audioOnly, 'no-video-stream'],
    [notVideo, 'unknown-format'],
    [join(dir, 'missing.mp4'), 'unreadable'],
  ];
  for (const [file, kind] of cases) {
    for (const mode of ['fast', 'thorough'] as const) {
      await assert.rejects(detectActivity(tools, file, { mode }), (e: unknown) => {
        assert.ok(e instanceof MediaInputError, `${file}: ${String(e)}`);
        assert.equal(e.kind, kind, `${file}: ${e.message}`);
        assert.match(e.message, /^Cannot analyse activity: /);
        return true;
      });
    }
  }
});

/** Pids of this process's children (Linux). */
function childPids(): number[] | null {
  const f = `/proc/${process.pid}/task/${process.pid}/children`;
  if (!existsSync(f)) return null;
  return readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

test('abort: rejects with the signal reason and leaves no ffmpeg behind', async () => {
  for (const mode of ['fast', 'thorough'] as const) {
    const ac = new AbortController();
    const p = detectActivity(tools, walk.path, { mode, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === 'AbortError');
    await new Promise((r) => setTimeout(r, 100));
    const kids = childPids();
    if (kids !== null) assert.deepEqual(kids, [], 'no child process left');
  }
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(detectActivity(tools, walk.path, { signal: ac.signal }), /stop/);
});
