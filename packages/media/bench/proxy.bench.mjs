#!/usr/bin/env node
// Proxy + filmstrip cost against the decode floor, on a CCTV-like 720p H.264 source.
//   BENCH_MINUTES=10 node packages/media/bench/proxy.bench.mjs      (build first: npx tsc -b packages/media)
// The source (static noisy scene, a box crossing it, ~2 Mb/s, 2-s GOPs, no B-frames — what IP cameras
// write) is generated once as a 1-minute segment, repeated with stream copy, and cached in the OS
// temp directory. BENCH_SINGLE_PASS=0 skips timing the single-pass filmstrip (a full decode).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, probe, renderProxy, renderThumbnails } from '../dist/index.js';

const minutes = Number(process.env.BENCH_MINUTES ?? 10);
if (!(minutes > 0)) throw new Error('BENCH_MINUTES must be a positive number');
const seconds = Math.round(minutes * 60);
const tools = await locateMediaTools();

function ff(args) {
  const r = spawnSync(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed`);
}

const cache = join(tmpdir(), `custodia-media-bench-720p-2M-${seconds}s.mp4`);
if (!existsSync(cache)) {
  const segSec = Math.min(60, seconds);
  const seg = `${cache}.segment.mp4`;
  console.error(`bench: generating a ${segSec}-s 720p segment (this takes a while)…`);
  const scene = [
    `color=c=0x6a6a6a:s=1280x720:r=25:d=${segSec}`,
    'drawgrid=w=160:h=120:t=3:c=0x3a3a3a',
    'drawbox=x=80:y=420:w=420:h=220:color=0x505a64:t=fill',
    'noise=alls=12:allf=t',
    `drawbox=x='mod(t*90\\,1180)':y=260:w=90:h=200:color=0x202020:t=fill`,
  ].join(',');
  ff(['-f', 'lavfi', '-i', scene, '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-bf', '0', '-g', '50',
    '-b:v', '2M', '-maxrate', '2.5M', '-bufsize', '4M', '-pix_fmt', 'yuv420p', '-an', seg]);
  const list = `${cache}.txt`;
  writeFileSync(list, Array.from({ length: Math.ceil(seconds / segSec) }, () => `file '${seg}'\n`).join(''));
  ff(['-f', 'concat', '-safe', '0', '-i', list, '-t', String(seconds), '-c', 'copy', '-movflags', '+faststart', `${cache}.tmp.mp4`]);
  renameSync(`${cache}.tmp.mp4`, cache);
  rmSync(seg, { force: true });
  rmSync(list, { force: true });
}

const src = cache;
const work = mkdtempSync(join(tmpdir(), 'custodia-media-bench-'));
const rows = [];
function report(name, sec, note = '', perHourSec) {
  rows.push({ name, sec });
  const perHour = perHourSec ?? (sec * 3600) / seconds;
  console.log(`${name.padEnd(44)} ${sec.toFixed(2).padStart(8)} s  ${(seconds / sec).toFixed(1).padStart(7)}× real time  → ${(perHour / 60).toFixed(1).padStart(6)} min per hour of source ${note}`);
}
async function time(fn) {
  const t0 = performance.now();
  const v = await fn();
  return [(performance.now() - t0) / 1000, v];
}

try {
  const p = await probe(tools, src);
  console.log(`source: ${minutes} min, ${p.video.width}x${p.video.height} ${p.video.codec} ${p.video.fps} fps, ${(p.bitRate / 1e6).toFixed(2)} Mb/s, ${(statSync(src).size / 2 ** 20).toFixed(0)} MiB; ${tools.version}; ${(await import('node:os')).availableParallelism()} cores\n`);
  const [probeSec] = await time(() => probe(tools, src));
  report('probe', probeSec);
  const [dec1] = await time(async () => ff(['-threads', '1', '-i', src, '-f', 'null', '-']));
  report('decode floor: ffmpeg -threads 1 -i src -f null -', dec1);
  const [decN] = await time(async () => ff(['-i', src, '-f', 'null', '-']));
  report('decode floor: ffmpeg -i src -f null -', decN);
  const [proxySec, proxy] = await time(() => renderProxy(tools, src, join(work, 'proxy.mp4'), { probe: p }));
  report('renderProxy (720p, veryfast, CRF 23)', proxySec, `[${(statSync(join(work, 'proxy.mp4')).size / 2 ** 20).toFixed(0)} MiB]`);
  const [thumbSec, th] = await time(() => renderThumbnails(tools, src, join(work, 'thumbs'), { probe: p }));
  // Seeking costs tiles × one GOP whatever the length: an hour costs what ten minutes cost.
  report(`renderThumbnails (24 tiles, ${th.method})`, thumbSec, th.method === 'seek' ? '(seek: does not grow with length)' : '', th.method === 'seek' ? thumbSec : undefined);
  if (process.env.BENCH_SINGLE_PASS !== '0') {
    const [passSec, th2] = await time(() => renderThumbnails(tools, src, join(work, 'thumbs-pass'), { probe: p, method: 'single-pass' }));
    report(`renderThumbnails (24 tiles, ${th2.method})`, passSec, '(forced; what raw streams use)');
  }
  report('proxy + filmstrip', proxySec + thumbSec, '', (proxySec * 3600) / seconds + (th.method === 'seek' ? thumbSec : (thumbSec * 3600) / seconds));
  console.log(`\nproxy ${proxy.width}x${proxy.height}, ${proxy.durationSec.toFixed(1)} s; proxy+filmstrip = ${((proxySec + thumbSec) / dec1).toFixed(2)}× the 1-thread decode time, ${((proxySec + thumbSec) / decN).toFixed(2)}× the default-threads decode time`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
