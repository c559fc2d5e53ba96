#!/usr/bin/env node
// How the court export copies vault blobs, side by side in one run (ADR 0030):
//   kernel copy + re-read  copyFile (copy_file_range) then read the copy to hash it, one file at a time
//                          (the export before ADR 0030); and two files at a time (the export since)
//   one pass × 1           read each blob once, hash and write the same bytes, one file at a time
//   one pass × 2           the same, two files at a time
// beside `cp -r` of the same files (copies, hashes nothing). Each run is followed by a timed `sync`,
// and each starts with nothing left to flush. The order is repeated (A B C D, A B C D, …) so that a
// machine busy with something else shows up as rounds that disagree; the median is the figure.
//
// Each way starts with the blobs evicted from the page cache (`dd iflag=nocache`, this bench's files
// only), as a 10 GB export finds them after the ingest and other work; BENCH_WARM=1 keeps them cached.
// Usage: node bench/export-copy.bench.mjs   Env: BENCH_WARM, BENCH_ITEMS (default 100), BENCH_ITEM_MB (10), BENCH_ROUNDS (3), BENCH_DIR
// Run `npx tsc -b` first (it uses packages/store/dist).
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { copyBlobs, copyHashed } = await import(join(here, '..', 'packages', 'store', 'dist', 'export', 'blob-copy.js'));
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100);
const ITEM_MB = Number(process.env.BENCH_ITEM_MB ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const scratch = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'custodia-export-copy-bench-'));
const sh = (cmd, args) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
};

const src = join(scratch, 'blobs');
mkdirSync(src, { recursive: true });
const zeros = Buffer.alloc(1 << 20);
const blobs = [];
for (let i = 0; i < ITEMS; i++) {
  const c = createCipheriv('aes-128-ctr', createHash('sha256').update(`export-copy-${i}`).digest().subarray(0, 16), Buffer.alloc(16));
  const h = createHash('sha256');
  const tmp = join(src, `tmp-${i}`);
  const fd = openSync(tmp, 'w');
  for (let m = 0; m < ITEM_MB; m++) {
    const b = c.update(zeros);
    h.update(b);
    writeSync(fd, b);
  }
  closeSync(fd);
  const sha = h.digest('hex');
  spawnSync('mv', [tmp, join(src, sha)]);
  blobs.push(sha);
}
const bytes = ITEMS * ITEM_MB * 2 ** 20;

/** The export before ADR 0030: a kernel copy, then the copy read back and hashed. */
async function kernelThenHash(dest, parallel = 1) {
  mkdirSync(dest, { recursive: true });
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, () => kernelWorker(dest, () => (next < blobs.length ? blobs[next++] : null))));
}
async function kernelWorker(dest, take) {
  const buf = Buffer.allocUnsafe(8 << 20);
  for (let sha; (sha = take()) !== null; ) {
    await copyFile(join(src, sha), join(dest, sha), constants.COPYFILE_EXCL);
    const h = createHash('sha256');
    const fh = await open(join(dest, sha), 'r');
    for (let got; (got = (await fh.read(buf, 0, buf.length, null)).bytesRead) > 0; ) h.update(buf.subarray(0, got));
    await fh.close();
    if (h.digest('hex') !== sha) throw new Error(`${sha} differs`);
  }
}
/** Read once through this process, hashing and writing the same bytes, `parallel` at a time. */
const onePass = (parallel) => async (dest) => {
  let next = 0;
  const run = async () => { while (next < blobs.length) { const sha = blobs[next++]; await copyHashed({ sha, src: join(src, sha), dest: join(dest, sha), label: sha }); } };
  mkdirSync(dest, { recursive: true });
  await Promise.all(Array.from({ length: parallel }, run));
};
/** What the export does: kernel copy + re-read, two at a time (copyBlobs). */
const exportWay = (dest) => copyBlobs(blobs.map((sha) => ({ sha, src: join(src, sha), dest: join(dest, sha), label: sha })), 2, () => undefined);
const cpR = async (dest) => void sh('cp', ['-r', src, dest]);

const ways = [
  ['cp -r (floor: copies, hashes nothing)', cpR],
  ['kernel copy + re-read (before)', (d) => kernelThenHash(d, 1)],
  ['kernel copy + re-read × 2 (the export)', exportWay],
  ['one pass × 1', onePass(1)],
  ['one pass × 2', onePass(2)],
];
const results = new Map(ways.map(([n]) => [n, []]));
try {
  console.log(`export copy bench: ${ITEMS} blobs × ${ITEM_MB} MiB = ${(bytes / 1e9).toFixed(2)} GB in ${scratch}`);
  console.log(`load at start: ${sh('uptime', []).out.trim()}`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of ways) {
      const dest = join(scratch, 'out');
      sh('sync', []);
      // The vault's blobs out of the page cache (as after a large ingest), unless BENCH_WARM is set.
      if (!process.env.BENCH_WARM) for (const sha of blobs) sh('dd', [`if=${join(src, sha)}`, 'iflag=nocache', 'count=0', 'status=none']);
      const t = performance.now();
      await run(dest);
      const s = (performance.now() - t) / 1000;
      const synced = sh('sync', []).s;
      results.get(name).push({ s, synced });
      rmSync(dest, { recursive: true, force: true });
    }
  }
  console.log(`load at end: ${sh('uptime', []).out.trim()}\n`);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const total = (name) => median(results.get(name).map((x) => x.s + x.synced));
  const floor = total(ways[0][0]);
  console.log(`${'way'.padEnd(40)} ${'each round: run + sync (s)'.padEnd(44)} ${'median run + sync'.padEnd(20)} ratio to cp -r + sync`);
  for (const [name] of ways) {
    const r = results.get(name);
    const rounds = r.map((x) => `${x.s.toFixed(1)}+${x.synced.toFixed(1)}`).join('  ');
    console.log(`${name.padEnd(40)} ${rounds.padEnd(44)} ${`${total(name).toFixed(2)} s (${(bytes / total(name) / 1e9).toFixed(2)} GB/s)`.padEnd(20)} ${(total(name) / floor).toFixed(2)}×`);
  }
  console.log(JSON.stringify({ items: ITEMS, itemMb: ITEM_MB, bytes, results: Object.fromEntries(results) }));
} finally {
  if (!process.env.BENCH_KEEP) rmSync(scratch, { recursive: true, force: true });
}
