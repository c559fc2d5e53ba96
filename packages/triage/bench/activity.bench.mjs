#!/usr/bin/env node
// Activity detector benchmark: quality and speed on a synthetic CCTV test set.
//
// Generates ≥ 20 fixed-camera clips with known events (mixed codecs, noise, exposure drift,
// lights-on steps, burned-in clocks; some without any event), then for every clip:
//   - detectActivity fast and thorough;
//   - ffmpeg's scene-change filters as a baseline: select='gt(scene,0.3)', scdet (default
//     threshold), and select='gt(scene,0.004)' (a threshold just under a person's measured score);
//     their detections become events at the same granularity (whole seconds, gaps ≤ 2 s merged);
//   - the decode floor: `ffmpeg -threads 1 -i f -f null -`.
// Quality: recall of events ≥ 3 s (found = a detected segment overlaps it) and precision (a
// segment is a true positive if it overlaps some event). Speed: time per clip / floor time
// (targets: thorough ≤ 1.3, fast ≤ 0.3), best of --repeat runs, runs interleaved per clip so
// that load from other processes hits all alike.
//
// Usage: npm run build && node packages/triage/bench/activity.bench.mjs [--count 22] [--repeat 2] [--length-scale 1]
//        [--dir DIR]  (reuse the clips in DIR if it holds a test set made with the same count; keep them)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateMediaTools, runTool } from '@custodia/media';
import { detectActivity, extractSegments } from '../dist/index.js';
import { makeCctvTestSet } from '../dist/testing/index.js';

const { values: argv } = parseArgs({
  options: {
    count: { type: 'string', default: '22' },
    repeat: { type: 'string', default: '2' },
    'length-scale': { type: 'string', default: '1' },
    dir: { type: 'string' },
  },
});
const count = Number(argv.count);
const repeat = Math.max(1, Number(argv.repeat));
const lengthScale = Number(argv['length-scale']);
const tools = await locateMediaTools();
const keep = argv.dir !== undefined;
const dir = argv.dir ?? mkdtempSync(join(tmpdir(), 'custodia-activity-bench-'));
const truthFile = join(dir, 'ground-truth.json');

const log = (...a) => console.log(...a);
log(`# Activity detection benchmark — ${tools.version}, ${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);

let clips;
if (existsSync(truthFile) && JSON.parse(readFileSync(truthFile, 'utf8')).length === count && JSON.parse(readFileSync(truthFile, 'utf8'))[0]?.lengthScale === lengthScale) {
  clips = JSON.parse(readFileSync(truthFile, 'utf8'));
  log(`test set: ${clips.length} clips reused from ${dir}`);
} else {
  const t0 = Date.now();
  const set = await makeCctvTestSet(dir, { count, lengthScale, onClip: (c, done, n) => process.stderr.write(`\r  generating ${done}/${n} ${basename(c.path)}      `) });
  process.stderr.write('\n');
  clips = set.clips.map((c) => ({ ...c, lengthScale }));
  writeFileSync(truthFile, JSON.stringify(clips, null, 1));
  log(`test set: ${clips.length} clips generated in ${((Date.now() - t0) / 1000).toFixed(0)} s in ${dir}`);
}

const events3 = clips.flatMap((c) => c.events.filter((e) => e.endSec - e.startSec >= 3));
const totalSec = clips.reduce((s, c) => s + c.spec.durationSec, 0);
log(`  ${clips.length} clips, ${totalSec} s of 720p video; ${events3.length} events ≥ 3 s; ${clips.filter((c) => c.events.length === 0).length} clips without any event`);
const byCodec = {};
for (const c of clips) byCodec[c.spec.codec] = (byCodec[c.spec.codec] ?? 0) + 1;
log(`  codecs ${JSON.stringify(byCodec)}; noise levels ${[...new Set(clips.map((c) => c.spec.noise))].join('/')}; ` +
  `${clips.filter((c) => c.spec.drift).length} with exposure drift, ${clips.filter((c) => c.spec.lightsStep).length} with a lights step, ` +
  `${clips.filter((c) => c.spec.clock).length} with a burned-in clock; GOPs ${[...new Set(clips.map((c) => c.spec.gopSec))].join('/')} s`);

// ---------------------------------------------------------------- baselines (ffmpeg scene filters)

/** Times (s from the first frame) of the frames a filter chain marks, printed by `metadata=print`. */
async function filterTimes(file, filter, key) {
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-threads', '1', '-i', file, '-map', '0:v:0',
    '-vf', `setpts=PTS-STARTPTS,${filter},metadata=mode=print:key=${key}:file=-`, '-f', 'null', '-'], { maxStdoutBytes: 64 << 20 });
  if (r.code !== 0) throw new Error(`${filter} failed on ${file}: ${r.stderrTail.slice(-300)}`);
  const times = [];
  for (const line of r.stdout.split('\n')) {
    const m = /pts_time:([\d.]+)/.exec(line);
    if (m) times.push(Number(m[1]));
  }
  return times;
}

/** Detections → per-second curve → segments (gaps ≤ 2 s merged, like detectActivity's). */
function timesToSegments(times, durationSec) {
  const curve = new Array(Math.ceil(durationSec)).fill(0);
  for (const t of times) if (Math.floor(t) < curve.length) curve[Math.floor(t)] = 1;
  return extractSegments(curve, { high: 0.5, low: 0.5, mergeGapSec: 2, minDurationSec: 0, keepPeak: 0 });
}

const BASELINES = [
  { name: "select='gt(scene,0.3)'", filter: "select='gt(scene,0.3)'", key: 'lavfi.scene_score' },
  { name: 'scdet (threshold 10)', filter: 'scdet=threshold=10', key: 'lavfi.scd.time' },
  { name: "select='gt(scene,0.004)'", filter: "select='gt(scene,0.004)'", key: 'lavfi.scene_score' },
];

// ---------------------------------------------------------------- runs

const overlaps = (s, e) => s.startSec < e.endSec && e.startSec < s.endSec;
function score(clip, segments) {
  const ev = clip.events.filter((e) => e.endSec - e.startSec >= 3);
  return {
    events: ev.length,
    found: ev.filter((e) => segments.some((s) => overlaps(s, e))).length,
    segments: segments.length,
    tp: segments.filter((s) => clip.events.some((e) => overlaps(s, e))).length,
  };
}
async function timed(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const methods = ['fast', 'thorough', ...BASELINES.map((b) => b.name)];
const totals = Object.fromEntries(methods.map((m) => [m, { events: 0, found: 0, segments: 0, tp: 0 }]));
const speed = { floor: 0, fast: 0, thorough: 0 };
const speedByCodec = {};
const rows = [];
const misses = [];
for (const [i, clip] of clips.entries()) {
  process.stderr.write(`\r  measuring ${i + 1}/${clips.length} ${basename(clip.path)}      `);
  const best = { floor: Infinity, fast: Infinity, thorough: Infinity };
  let fast;
  let thorough;
  for (let r = 0; r < repeat; r++) {
    const f = await timed(() => runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-threads', '1', '-i', clip.path, '-f', 'null', '-']));
    best.floor = Math.min(best.floor, f.ms);
    const a = await timed(() => detectActivity(tools, clip.path, { mode: 'fast' }));
    best.fast = Math.min(best.fast, a.ms);
    fast = a.value;
    const b = await timed(() => detectActivity(tools, clip.path, { mode: 'thorough' }));
    best.thorough = Math.min(best.thorough, b.ms);
    thorough = b.value;
  }
  const results = { fast: fast.segments, thorough: thorough.segments };
  for (const b of BASELINES) results[b.name] = timesToSegments(await filterTimes(clip.path, b.filter, b.key), clip.spec.durationSec);
  for (const m of methods) {
    const s = score(clip, results[m]);
    for (const k of Object.keys(s)) totals[m][k] += s[k];
    if ((m === 'fast' || m === 'thorough') && (s.found < s.events || s.tp < s.segments)) {
      misses.push(`  ${m} ${basename(clip.path)}: events ${clip.events.map((e) => `${e.startSec}–${e.endSec}`).join(', ') || 'none'}; segments ${results[m].map((x) => `${x.startSec}–${x.endSec}`).join(', ') || 'none'}`);
    }
  }
  for (const k of Object.keys(speed)) speed[k] += best[k];
  const g = (speedByCodec[clip.spec.codec] ??= { floor: 0, fast: 0, thorough: 0, n: 0 });
  for (const k of ['floor', 'fast', 'thorough']) g[k] += best[k];
  g.n += 1;
  rows.push({ clip, best, fast, thorough });
}
process.stderr.write('\n');

// ---------------------------------------------------------------- report

const pct = (a, b) => (b === 0 ? '—' : (a / b).toFixed(3));
log('\n## Quality (events ≥ 3 s; a segment counts as a true positive if it overlaps any event)');
log(`${'method'.padEnd(26)} ${'recall'.padStart(14)} ${'precision'.padStart(16)}`);
for (const m of methods) {
  const t = totals[m];
  log(`${m.padEnd(26)} ${`${pct(t.found, t.events)} (${t.found}/${t.events})`.padStart(14)} ${`${pct(t.tp, t.segments)} (${t.tp}/${t.segments})`.padStart(16)}`);
}
log('targets: recall ≥ 0.95, precision ≥ 0.9');
if (misses.length > 0) log(`misses and false positives:\n${misses.join('\n')}`);

log(`\n## Speed (best of ${repeat}; floor = ffmpeg -threads 1 -i f -f null -; ratio = time / floor)`);
log(`${'clip'.padEnd(14)} ${'codec'.padEnd(5)} ${'kb/s'.padStart(5)} ${'GOP'.padStart(4)} ${'len'.padStart(4)} ${'floor ms'.padStart(9)} ${'fast ms'.padStart(8)} ${'ratio'.padStart(6)} ${'decode'.padStart(9)} ${'thorough'.padStart(9)} ${'ratio'.padStart(6)}`);
for (const { clip, best, fast } of rows) {
  const kbps = clip.spec.codec === 'mjpeg' ? `q${clip.spec.mjpegQuality}` : String(clip.spec.bitrateKbps);
  log(`${basename(clip.path).padEnd(14)} ${clip.spec.codec.padEnd(5)} ${kbps.padStart(5)} ${`${clip.spec.codec === 'mjpeg' ? '-' : clip.spec.gopSec}`.padStart(4)} ${String(clip.spec.durationSec).padStart(4)} ` +
    `${best.floor.toFixed(0).padStart(9)} ${best.fast.toFixed(0).padStart(8)} ${(best.fast / best.floor).toFixed(2).padStart(6)} ${fast.decode.padStart(9)} ` +
    `${best.thorough.toFixed(0).padStart(9)} ${(best.thorough / best.floor).toFixed(2).padStart(6)}`);
}
log('\nper codec (sum of times / sum of floors):');
for (const [codec, g] of Object.entries(speedByCodec)) {
  log(`  ${codec.padEnd(6)} ${String(g.n).padStart(2)} clips: fast ${(g.fast / g.floor).toFixed(2)}, thorough ${(g.thorough / g.floor).toFixed(2)}`);
}
const rt = (ms) => (totalSec / (ms / 1000)).toFixed(0);
log(`all clips: floor ${(speed.floor / 1000).toFixed(1)} s (${rt(speed.floor)}× real time); fast ${(speed.fast / 1000).toFixed(1)} s = ${(speed.fast / speed.floor).toFixed(2)} of the floor (${rt(speed.fast)}× real time); ` +
  `thorough ${(speed.thorough / 1000).toFixed(1)} s = ${(speed.thorough / speed.floor).toFixed(2)} of the floor (${rt(speed.thorough)}× real time)`);
const ratiosFast = rows.map((r) => r.best.fast / r.best.floor).sort((a, b) => a - b);
const ratiosTh = rows.map((r) => r.best.thorough / r.best.floor).sort((a, b) => a - b);
log(`median ratio: fast ${ratiosFast[ratiosFast.length >> 1].toFixed(2)}, thorough ${ratiosTh[ratiosTh.length >> 1].toFixed(2)}; targets: fast ≤ 0.3, thorough ≤ 1.3`);
log(`load average at the end: ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);

if (!keep) rmSync(dir, { recursive: true, force: true });
