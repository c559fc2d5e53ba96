#!/usr/bin/env node
// The triage figures in one run (`npm run bench:triage [-- --quick] [-- --dir DIR]`):
//   1. activity.bench.mjs — recall/precision of events ≥ 3 s for fast and thorough, side by side with
//      ffmpeg's scdet and select='gt(scene,x)' on the same generated CCTV set (H.264, HEVC, MJPEG,
//      VP9; noise, drift, lights switched on, ticking clocks), and time against the plain
//      single-thread decode of the same files;
//   2. dedup.bench.mjs — (a) near-duplicate search over 10,000 synthetic fingerprints, index vs brute
//      force (brute force timed on a sample of pairs and EXTRAPOLATED: in full it takes hours);
//      (b) pairs recall/precision and offsets on generated re-encodings (resolution, bitrate, HEVC,
//      MJPEG, VP9) and trimmed clips.
// Default: 20 clips of 30–60 s, one timing run each (about 10 minutes on a quiet 2-core machine, the
// clips cached between runs when --dir is given). --quick: the same 20 clips at half length, and a
// smaller brute-force sample.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: argv } = parseArgs({ options: { quick: { type: 'boolean', default: false }, dir: { type: 'string' } } });
const here = dirname(fileURLToPath(import.meta.url));
const started = Date.now();
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');
console.log(`# Triage benchmark${argv.quick ? ' (--quick)' : ''}: ${availableParallelism()} cores, load average ${load()} at the start`);
console.log('# Figures are wall-clock on this machine as it is now: other processes slow them (ratios less so: each is measured beside its floor).\n');

const run = (script, args, env = {}) => {
  const r = spawnSync(process.execPath, [join(here, script), ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`${script} failed (exit ${r.status ?? r.signal})`);
    process.exitCode = 1;
  }
};

run('activity.bench.mjs', ['--count', '20', '--repeat', '1', '--length-scale', argv.quick ? '0.5' : '1', ...(argv.dir ? ['--dir', argv.dir] : [])]);
console.log('\n# Near-duplicates');
run('dedup.bench.mjs', [], { BENCH_COUNT: '10000', BENCH_BRUTE_SAMPLE: argv.quick ? '300' : '1000', BENCH_FPS: '2' });
console.log(`\n# total ${((Date.now() - started) / 60000).toFixed(1)} min; load average at the end ${load()}`);
