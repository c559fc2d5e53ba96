#!/usr/bin/env node
// Face detection benchmark: speed per 720p frame and recall, side by side, for the detectors
// face-api offers (SSD MobileNet v1; Tiny at 416 and 608; SSD + tiles = the 'thorough' profile),
// on the wasm backend and on the pure-JS cpu backend (the baseline, on a few frames only).
//
// Frames: face-api's six demo photos (22 faces, counted by hand), (a) scaled to 720 px high, and
// (b) placed at 640, 400 and 280 px wide in a noisy 1280×720 CCTV-like scene (faces ~60, ~40, ~28
// px high: what a corridor camera records); plus the empty scene (false positives). Reference boxes:
// SSD at a low threshold (0.3) on the 720p photo, checked against the hand count. Recall = reference
// faces matched at IoU ≥ 0.3; "extra" = boxes matching no face.
// Then the whole step on a 10 s clip at 1 frame/s: one worker thread vs two (both cores).
//
// Usage: npm run build && node packages/triage/bench/faces.bench.mjs [--repeat 2] [--cpu-frames 2] [--only frames|step]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateMediaTools } from '@custodia/media';
import { closeFacePool, detectFaces, detectInPool, matchBoxes, streamPpmFrames } from '../dist/index.js';
import { faceClips } from '../dist/testing/index.js';

const { values: argv } = parseArgs({ options: { repeat: { type: 'string', default: '2' }, 'cpu-frames': { type: 'string', default: '2' }, only: { type: 'string' } } });
const run = (part) => argv.only === undefined || argv.only === part;
const repeat = Math.max(1, Number(argv.repeat));
const cpuFrames = Math.max(1, Number(argv['cpu-frames']));
const tools = await locateMediaTools();
const dir = mkdtempSync(join(tmpdir(), 'custodia-faces-bench-'));
const log = (...a) => console.log(...a);
log(`# Face detection benchmark — ${tools.version}, ${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);

const HAND_COUNT = [3, 3, 3, 4, 5, 4];
const DETECTORS = {
  'ssd-mobilenet-v1 (standard)': { detector: 'ssd-mobilenet-v1', minScore: 0.5, tiles: false },
  'ssd + 2×2 tiles (thorough)': { detector: 'ssd-mobilenet-v1', minScore: 0.4, tiles: true },
  'tiny 416 (fast)': { detector: 'tiny-face-detector', inputSize: 416, minScore: 0.5, tiles: false },
  'tiny 608': { detector: 'tiny-face-detector', inputSize: 608, minScore: 0.5, tiles: false },
};

/** The first frame ffmpeg makes of `args` (input options + input), as RGB. */
async function frameOf(inputArgs, vf) {
  let frame = null;
  await streamPpmFrames(tools.ffmpeg, ['-nostdin', '-v', 'error', ...inputArgs, '-frames:v', '1', '-vf', `${vf},format=rgb24`, '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1'], { onFrame: (f) => (frame = f) });
  if (!frame) throw new Error(`no frame from ${inputArgs.join(' ')}`);
  return frame;
}
const detect = (backend, f, spec) => detectInPool(1, backend, f.rgb.slice(), f.width, f.height, spec);

if (run('frames')) {
  // Frames and reference boxes.
  const photos = [1, 2, 3, 4, 5, 6].map((n) => faceClips.faceDemoPhoto(n));
  const sets = { 'photo 720p': [], 'in scene 640 px': [], 'in scene 400 px': [], 'in scene 280 px': [] };
  const reference = [];
  for (const [i, photo] of photos.entries()) {
    const f = await frameOf(['-i', photo], 'scale=-2:720');
    const ref = (await detect('wasm', f, { detector: 'ssd-mobilenet-v1', minScore: 0.3, tiles: false })).boxes;
    if (ref.length !== HAND_COUNT[i]) log(`  note: reference finds ${ref.length} faces in sample${i + 1}.jpg, ${HAND_COUNT[i]} counted by hand`);
    reference.push(ref);
    sets['photo 720p'].push({ frame: f, expected: ref });
    for (const width of [640, 400, 280]) {
      const clip = await faceClips.makeFaceClip(tools, join(dir, `s${i}-${width}.mp4`), { photo, x: 300, y: 120, width, fromSec: 0, toSec: 1, durationSec: 1 });
      sets[`in scene ${width} px`].push({ frame: await frameOf(['-i', clip.path], 'null'), expected: faceClips.photoBoxesInClip(clip, ref) });
    }
  }
  const empty = await faceClips.makeFaceClip(tools, join(dir, 'empty.mp4'), { photo: photos[0], x: 0, y: 0, width: 64, fromSec: 5, toSec: 6, durationSec: 1 });
  const emptyFrame = await frameOf(['-i', empty.path], 'null');
  log(`frames: ${Object.entries(sets).map(([k, v]) => `${k} ×${v.length}`).join(', ')}, empty scene ×1; ${reference.flat().length} reference faces (hand count ${HAND_COUNT.reduce((a, b) => a + b)})`);

  // Speed and recall per detector, wasm.
  const rows = [];
  for (const [name, spec] of Object.entries(DETECTORS)) {
    await detect('wasm', sets['photo 720p'][0].frame, spec); // warm-up (first inference allocates)
    const row = { detector: name };
    for (const [setName, frames] of Object.entries(sets)) {
      let found = 0;
      let total = 0;
      let extra = 0;
      const ms = [];
      for (const { frame, expected } of frames) {
        let best = Infinity;
        let boxes = [];
        for (let k = 0; k < repeat; k++) {
          const d = await detect('wasm', frame, spec);
          best = Math.min(best, d.ms);
          boxes = d.boxes;
        }
        ms.push(best);
        const m = matchBoxes(expected, boxes, 0.3);
        found += m.matched;
        total += expected.length;
        extra += m.unmatchedFound;
      }
      row[setName] = `${found}/${total}${extra ? ` +${extra}` : ''}`;
      if (setName === 'photo 720p' || setName === 'in scene 400 px') row[`ms ${setName === 'photo 720p' ? 'photo' : 'scene'}`] = Math.round(ms.reduce((a, b) => a + b) / ms.length);
    }
    row['empty scene'] = (await detect('wasm', emptyFrame, spec)).boxes.length;
    rows.push(row);
  }
  log('\nRecall (faces found / reference faces, +boxes on no face) and ms per frame (mean of the best of --repeat runs; photo ≈1000×720, scene 1280×720), wasm backend, one thread:');
  console.table(rows);

  // Backend baseline: the pure-JS cpu backend on a few frames.
  const cpuRows = [];
  for (const [name, spec] of Object.entries(DETECTORS)) {
    if (spec.tiles) continue;
    const f = sets['in scene 400 px'][0].frame;
    const wasm = [];
    const cpu = [];
    await detect('cpu', f, spec);
    for (let k = 0; k < cpuFrames; k++) {
      cpu.push((await detect('cpu', sets['in scene 400 px'][k % 6].frame, spec)).ms);
      wasm.push((await detect('wasm', sets['in scene 400 px'][k % 6].frame, spec)).ms);
    }
    const avg = (a) => a.reduce((x, y) => x + y) / a.length;
    cpuRows.push({ detector: name, 'wasm ms': Math.round(avg(wasm)), 'cpu ms': Math.round(avg(cpu)), 'cpu / wasm': (avg(cpu) / avg(wasm)).toFixed(1) });
  }
  log(`\nBackends, 1280×720 frame (${cpuFrames} frames each, after a warm-up):`);
  console.table(cpuRows);
}

// The whole step: decode + detect on a 10 s clip at 1 frame/s, one worker vs two.
if (run('step')) {
  const photo = faceClips.faceDemoPhoto(5);
  const clip = await faceClips.makeFaceClip(tools, join(dir, 'clip10.mp4'), { photo, x: 300, y: 120, width: 400, fromSec: 2, toSec: 8, durationSec: 10 });
  const stepRows = [];
  for (const profile of ['standard', 'fast']) {
    for (const concurrency of [1, 2]) {
      await detectFaces(tools, clip.path, { profile, concurrency, durationSec: 2 }); // workers started, models loaded
      let best = Infinity;
      let cpuShare = 0;
      let r;
      for (let k = 0; k < repeat; k++) {
        const cpu0 = process.cpuUsage();
        r = await detectFaces(tools, clip.path, { profile, concurrency });
        const cpu = process.cpuUsage(cpu0);
        if (r.elapsedMs < best) {
          best = r.elapsedMs;
          cpuShare = (cpu.user + cpu.system) / 1000 / r.elapsedMs;
        }
      }
      // CPU time of this process (all its threads, not ffmpeg) per wall-clock time: ~1 = one core busy.
      stepRows.push({ profile, workers: concurrency, frames: r.frames, 'frames with faces': r.framesWithFaces, 'ms total': best, 'ms / frame': Math.round(best / r.frames), 'x real time': (10000 / best).toFixed(1), 'cores used': cpuShare.toFixed(2) });
    }
  }
  log('\nThe step on a 10 s 1280×720 clip at 1 frame/s (ffmpeg decoding included):');
  console.table(stepRows);
}
log(`load average at the end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
await closeFacePool();
rmSync(dir, { recursive: true, force: true });
