#!/usr/bin/env node
// Redaction render time against its floor: a plain ffmpeg re-encode of the same clip with the same
// encoder settings (libx264 veryfast CRF 20, AAC 128k, faststart) and no boxes. Target: ≤ 1.5×, judged
// on ffmpeg's CPU time (steady on a shared machine); wall time is printed beside it.
//   npm run bench:redaction                      (720p, 60 s, three moving boxes keyed every 0.5 s)
//   BENCH_SECONDS=10 BENCH_HEIGHT=360 node bench/redaction.bench.mjs   (quick, after `npx tsc -b`)
//   BENCH_JITTER=1 …                                                 (box sizes swinging: the worst case)
// The clip is drawn by ffmpeg (lavfi test pattern, a moving patterned square, a tone), not footage.
// Runs are interleaved, floor first, BENCH_RUNS times each (default 2); the best of each is compared.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encoderArgs, ffmpegHead, fileUrl, inputOptionsFor, locateMediaTools, probe, renderRedaction, runTool, threadCount } from '../packages/media/dist/index.js';
import { makeRedactionClip } from '../packages/media/dist/testing/media-fixtures.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const height = Number(process.env.BENCH_HEIGHT ?? 720);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
if (!(seconds > 0) || !(height >= 120)) throw new Error('BENCH_SECONDS must be > 0 and BENCH_HEIGHT ≥ 120');
const width = 2 * Math.round((height * 16) / 9 / 2);
const tools = await locateMediaTools();
const TICKS = 100; // USER_HZ on Linux
/** CPU seconds used by finished child processes so far (/proc/self/stat cutime + cstime): steadier than wall time on a shared machine. */
function childCpu() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICKS;
  } catch {
    return NaN;
  }
}
const work = mkdtempSync(join(tmpdir(), 'custodia-redaction-bench-'));

try {
  console.error(`bench: drawing a ${width}×${height} ${seconds}-s clip…`);
  const src = await makeRedactionClip(tools, work, { width, height, durationSec: seconds });
  const p = await probe(tools, src);
  // Three boxes, as face tracks make them: a keyframe every 0.5 s, each moving across the frame and
  // growing steadily (someone walking towards the camera: 1.6× over the clip), so the renderer needs
  // two segments per box. BENCH_JITTER=1 makes the sizes swing ±25 % every few seconds instead: many
  // more segments (each costs a crop and an overlay per frame), the worst case.
  const jitter = process.env.BENCH_JITTER === '1';
  const boxes = ['blur', 'pixelate', 'fill'].map((effect, i) => ({
    effect,
    colour: '#000000',
    keyframes: Array.from({ length: Math.floor(seconds * 2) + 1 }, (_, k) => {
      const t = k / 2;
      const s = jitter ? 0.12 + 0.03 * Math.sin(t + i) : 0.09 * (1 + 0.6 * (t / seconds));
      const x = 0.05 + 0.25 * i + 0.1 * Math.sin((2 * Math.PI * t) / Math.max(10, seconds) + i);
      const y = 0.15 + 0.15 * Math.cos((2 * Math.PI * t) / Math.max(12, seconds) + i);
      return { t, x: Math.min(1 - s, Math.max(0, x)), y: Math.min(1 - s * 1.2, Math.max(0, y)), w: s, h: s * 1.2 };
    }),
  }));
  const plan = { boxes, audio: { mute: [{ start: 1, end: 2 }, { start: seconds / 2, end: seconds / 2 + 3 }], bleep: false }, clip: null, keep: [] };

  const floorArgs = (out) => [...ffmpegHead(), '-threads', String(threadCount()), ...inputOptionsFor(p.container, p.video?.fps ?? null), '-i', fileUrl(src),
    '-map', '0:v:0', '-vf', 'setsar=1,format=yuv420p', '-map', '0:a:0', ...encoderArgs(p, 20, 'veryfast', true), fileUrl(out)];
  const floor = [];
  const redaction = [];
  const floorCpu = [];
  const redactionCpu = [];
  let segments = 0;
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    let c0 = childCpu();
    const f = await runTool(tools.ffmpeg, floorArgs(join(work, `floor-${r}.mp4`)), { timeoutMs: 3600_000 });
    if (f.code !== 0) throw new Error(`the plain re-encode failed: ${f.stderrTail}`);
    floor.push((performance.now() - t0) / 1000);
    floorCpu.push(childCpu() - c0);
    t0 = performance.now();
    c0 = childCpu();
    const out = await renderRedaction(tools, src, join(work, `redacted-${r}.mp4`), plan, { probe: p });
    redaction.push((performance.now() - t0) / 1000);
    redactionCpu.push(childCpu() - c0);
    segments = out.segments;
  }
  const best = (xs) => Math.min(...xs);
  const ratio = best(redaction) / best(floor);
  console.log(`source: ${width}×${height}, ${seconds} s, ${p.video?.fps} fps, with a tone; ${tools.version}; ${runs} run(s) each, best shown`);
  const cpuRatio = best(redactionCpu) / best(floorCpu);
  console.log(`${''.padEnd(52)} ${'wall'.padStart(8)}    ${'CPU (ffmpeg)'.padStart(12)}`);
  console.log(`${'plain re-encode (floor)'.padEnd(52)} ${best(floor).toFixed(2).padStart(8)} s  ${best(floorCpu).toFixed(2).padStart(10)} s  ${(seconds / best(floor)).toFixed(1).padStart(6)}× real time`);
  console.log(`${`redaction: 3 boxes, ${boxes[0].keyframes.length} keyframes each (${segments} segments), 2 mutes`.padEnd(52)} ${best(redaction).toFixed(2).padStart(8)} s  ${best(redactionCpu).toFixed(2).padStart(10)} s  ${(seconds / best(redaction)).toFixed(1).padStart(6)}× real time`);
  // On a shared machine wall time mostly measures the wait for a core; ffmpeg's CPU time does not.
  const judged = Number.isFinite(cpuRatio) ? cpuRatio : ratio;
  console.log(`${'ratio redaction / floor (target ≤ 1.5×)'.padEnd(52)} ${ratio.toFixed(2).padStart(8)} ×  ${cpuRatio.toFixed(2).padStart(10)} ×  ${judged <= 1.5 ? 'within target' : 'OVER TARGET'} (${Number.isFinite(cpuRatio) ? 'CPU' : 'wall'})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
