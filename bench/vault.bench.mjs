#!/usr/bin/env node
// Evidence vault figures, each measured side by side with its baseline in one run:
//   1. ingest throughput of a multi-GB folder vs `cp -r` + `sha256sum` of the copies, and vs the
//      hashing floor `openssl dgst -sha256` alone (same files, all from the page cache);
//   2. peak RSS of ingesting one big file vs one 10 MB file;
//   3. ledger appends per second, and the time to verify a 1,000,000-entry ledger from scratch.
//
// Sizes (env): BENCH_FOLDER_GB (default 4), BENCH_BIG_GB (default 10), BENCH_LEDGER_ENTRIES
// (default 1000000), BENCH_ONLY (ingest | rss | ledger), BENCH_DB (postgres | pglite | both; default both for appends, postgres for 1M),
// BENCH_DIR (scratch folder, default a temp dir; needs ~3 × folder + 2 × big file of free space).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(here, '..', 'packages', 'cli', 'dist', 'main.js');
const FOLDER_GB = Number(process.env.BENCH_FOLDER_GB ?? 4);
const BIG_GB = Number(process.env.BENCH_BIG_GB ?? 10);
const LEDGER_N = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);
const PG_ADMIN = process.env.CUSTODIA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ONLY = process.env.BENCH_ONLY; // ingest | rss | ledger: run one part
const run = (part) => !ONLY || ONLY === part;
const scratch = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'custodia-bench-'));

const store = await import('@custodia/store');
const testing = await import('@custodia/store/testing');
const ledgerLib = await import('@custodia/ledger');

const rows = [];
const line = (figure, value, baseline, ratio, target) => {
  rows.push({ figure, value, baseline, ratio, target });
  console.log(`${figure.padEnd(58)} ${String(value).padEnd(18)} ${String(baseline).padEnd(26)} ${String(ratio).padEnd(10)} ${target}`);
};
const gbps = (bytes, s) => `${(bytes / s / 1e9).toFixed(2)} GB/s`;
const time = (fn) => {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
};
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString();
};

function writeRandomFile(path, bytes) {
  const fd = openSync(path, 'w');
  const block = randomBytes(8 * 1024 * 1024);
  let left = bytes;
  let i = 0;
  while (left > 0) {
    block.writeUInt32LE(i++, 0); // every block differs, so no two files are equal
    const n = Math.min(left, block.length);
    writeSync(fd, block, 0, n);
    left -= n;
  }
  closeSync(fd);
}

function folderBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

function cliEnv(home, dbUrl) {
  const env = { ...process.env, CUSTODIA_HOME: home, CUSTODIA_OPERATOR: 'bench' };
  if (dbUrl) env.DATABASE_URL = dbUrl;
  else delete env.DATABASE_URL;
  return env;
}

console.log(`Custodia vault benchmark — scratch ${scratch}, ${new Date().toISOString()}`);
console.log(`${'figure'.padEnd(58)} ${'custodia'.padEnd(18)} ${'baseline'.padEnd(26)} ${'ratio'.padEnd(10)} target`);

// ---------------------------------------------------------------- 1. ingest throughput
if (run('ingest')) {
  const src = join(scratch, 'usb');
  mkdirSync(join(src, 'cam1'), { recursive: true });
  mkdirSync(join(src, 'small'), { recursive: true });
  const big = Math.max(1, Math.round(FOLDER_GB * 8)); // 125 MB files
  for (let i = 0; i < big; i++) writeRandomFile(join(src, 'cam1', `ch01_${String(i).padStart(3, '0')}.h264`), 125_000_000);
  for (let i = 0; i < 200; i++) writeFileSync(join(src, 'small', `snap_${i}.jpg`), randomBytes(50_000));
  const bytes = folderBytes(src);
  sh('sh', ['-c', `cat ${src}/*/* > /dev/null`]); // warm the page cache: every contender reads from memory

  const copy = join(scratch, 'copy');
  const tCp = time(() => {
    sh('cp', ['-r', src, copy]);
    sh('sh', ['-c', `find ${copy} -type f -print0 | xargs -0 sha256sum > /dev/null`]);
  });
  rmSync(copy, { recursive: true, force: true });
  const tOpenssl = time(() => sh('sh', ['-c', `find ${src} -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null`]));
  // The write floor: copying the same bytes durably (dd … conv=fsync per file), no hashing at all.
  mkdirSync(copy);
  const tDd = time(() =>
    sh('sh', ['-c', `for f in ${src}/*/*; do dd if="$f" of=${copy}/$(basename "$f") bs=8M conv=fsync status=none; done`]),
  );
  rmSync(copy, { recursive: true, force: true });

  const home = join(scratch, 'home-ingest');
  sh(process.execPath, [CLI, 'init'], { env: cliEnv(home) });
  const tCli = time(() => {
    const r = spawnSync(process.execPath, [CLI, 'ingest', src, '--case', 'bench', '--json'], { env: cliEnv(home), maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`ingest failed: ${r.stderr}`);
  });
  rmSync(home, { recursive: true, force: true });
  // The same ingest into a fresh instance whose database is already open: without PGlite's start-up.
  sh(process.execPath, [CLI, 'init'], { env: cliEnv(home) });
  const vault = await store.openVault(store.loadConfig({ CUSTODIA_HOME: home }));
  const { ingest } = await import('@custodia/core');
  const { fsEvidenceReader } = await import('../packages/cli/dist/evidence-reader.js');
  const t0 = performance.now();
  await ingest(
    { caseName: 'bench', roots: [src], operator: 'bench', host: 'bench', toolVersion: 'bench' },
    { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
  );
  const tCore = (performance.now() - t0) / 1000;
  await vault.close();
  rmSync(home, { recursive: true, force: true });

  const gb = (bytes / 1e9).toFixed(2);
  line(`ingest ${gb} GB (${big + 200} files), CLI end to end`, gbps(bytes, tCli), `cp -r + sha256sum ${gbps(bytes, tCp)}`, `${(tCp / tCli).toFixed(2)}×`, '≥ 1.5×');
  line(`  same, database already open (no process start-up)`, gbps(bytes, tCore), `cp -r + sha256sum ${gbps(bytes, tCp)}`, `${(tCp / tCore).toFixed(2)}×`, '');
  line(`ingest ${gb} GB vs hashing floor`, gbps(bytes, tCli), `openssl dgst ${gbps(bytes, tOpenssl)}`, `${(tOpenssl / tCli).toFixed(2)}×`, '≥ 0.6×');
  line(`  same, database already open, vs hashing floor`, gbps(bytes, tCore), `openssl dgst ${gbps(bytes, tOpenssl)}`, `${(tOpenssl / tCore).toFixed(2)}×`, '');
  line(`  same, database already open, vs durable-copy floor`, gbps(bytes, tCore), `dd conv=fsync ${gbps(bytes, tDd)}`, `${(tDd / tCore).toFixed(2)}×`, '(no hashing in dd)');
  rmSync(src, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 2. peak RSS, big vs small file
if (run('rss')) {
  const rss = (file) => {
    const home = join(scratch, `home-rss-${Math.random().toString(36).slice(2)}`);
    sh(process.execPath, [CLI, 'init'], { env: cliEnv(home) });
    const probe = join(here, 'ingest-rss.mjs');
    const out = sh(process.execPath, [probe, home, file], { env: cliEnv(home) });
    rmSync(home, { recursive: true, force: true });
    return JSON.parse(out);
  };
  const dir = join(scratch, 'rss');
  mkdirSync(dir, { recursive: true });
  const small = join(dir, 'small.bin');
  const bigFile = join(dir, 'big.bin');
  writeRandomFile(small, 10_000_000);
  writeRandomFile(bigFile, Math.round(BIG_GB * 1e9));
  const a = rss(small);
  const b = rss(bigFile);
  line(`peak RSS ingesting one ${BIG_GB} GB file`, `${(b.maxRssKb / 1024).toFixed(0)} MB`, `10 MB file: ${(a.maxRssKb / 1024).toFixed(0)} MB`, `+${((b.maxRssKb - a.maxRssKb) / 1024).toFixed(0)} MB`, '≤ +50 MB');
  line(`  (throughput of that ${BIG_GB} GB ingest)`, gbps(b.bytes, b.seconds), '', '', '');
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 3. ledger
if (run('ledger')) {
  const kinds = (process.env.BENCH_DB ?? 'both') === 'both' ? ['pglite', 'postgres'] : [process.env.BENCH_DB];
  for (const kind of kinds) {
    const { config, cleanup } = await testing.testConfig(kind);
    const { vault } = await store.initVault(config, { actor: 'bench' });
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await vault.db.transaction((tx) =>
        vault.ledger.append(tx, { actor: 'bench', action: 'viewed', subjects: [createHash('sha256').update(String(i)).digest('hex')], details: { item: i } }),
      );
    }
    const perSec = n / ((performance.now() - t0) / 1000);
    const t1 = performance.now();
    await vault.db.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await vault.ledger.append(tx, { actor: 'bench', action: 'viewed', subjects: [], details: { item: i } });
    });
    const perSecBatched = n / ((performance.now() - t1) / 1000);
    line(`ledger appends/s on ${kind}, one transaction each`, `${perSec.toFixed(0)}/s`, '', '', '');
    line(`ledger appends/s on ${kind}, ${n} in one transaction`, `${perSecBatched.toFixed(0)}/s`, '', '', '');
    await vault.close();
    await cleanup();
  }

  const kind1M = process.env.BENCH_DB === 'pglite' ? 'pglite' : 'postgres';
  const { config, cleanup } = await testing.testConfig(kind1M);
  const { vault } = await store.initVault(config, { actor: 'bench' });
  // Fill the ledger directly (as a long-lived instance would have), then sign its head.
  const tFill = performance.now();
  const range = ledgerLib.CompactRange.fromJSON({ size: 0, hashes: [] });
  const existing = await vault.ledger.slice(vault.db, 0, 10);
  for (const e of existing) range.append(e.leafHash);
  let seq = existing.length;
  const batch = 2000;
  while (seq < LEDGER_N) {
    const values = [];
    const params = [];
    for (let i = 0; i < batch && seq < LEDGER_N; i++, seq++) {
      const entry = {
        v: 1,
        seq,
        time: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
        actor: 'analyst-7',
        action: seq % 3 === 0 ? 'exported' : 'viewed',
        subjects: [createHash('sha256').update(String(seq)).digest('hex')],
        details: { item: seq, path: `/media/usb/cam${seq % 16}/2020-02-11_${String(seq % 2400).padStart(4, '0')}.mp4`, size: seq * 7919 },
      };
      const bytes = ledgerLib.encodeEntry(entry);
      const leaf = ledgerLib.leafHash(bytes);
      range.append(leaf);
      const k = params.length;
      values.push(`($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4})`);
      params.push(seq, bytes.toString('utf8'), leaf, entry.action);
    }
    await vault.db.query(`INSERT INTO ledger_entries (seq, entry, leaf_hash, action) VALUES ${values.join(',')}`, params);
  }
  await vault.db.query('UPDATE ledger_head SET size = $1, frontier = $2::jsonb WHERE id = 1', [seq, JSON.stringify(range.toJSON().hashes)]);
  await vault.checkpoint();
  const fillS = (performance.now() - tFill) / 1000;
  const t2 = performance.now();
  const result = await store.verifyLedger(vault);
  const verifyS = (performance.now() - t2) / 1000;
  if (!result.ok) throw new Error(`verification failed: ${JSON.stringify(result.problems.slice(0, 3))}`);
  // The floor: hashing the same entries in memory, with no database at all.
  const t3 = performance.now();
  const floor = new ledgerLib.MerkleTree();
  for await (const b of vault.ledger.entryTexts(vault.db)) for (const e of b) floor.append(ledgerLib.leafHash(e.text));
  const fetchAndHashS = (performance.now() - t3) / 1000;
  line(`verify a ${LEDGER_N.toLocaleString('en')}-entry ledger from scratch (${kind1M})`, `${verifyS.toFixed(1)} s`, `fetch+hash only ${fetchAndHashS.toFixed(1)} s`, `${(verifyS / fetchAndHashS).toFixed(2)}×`, '< 10 s');
  line(`  (filling it took ${fillS.toFixed(0)} s)`, '', '', '', '');
  await vault.close();
  await cleanup();
}

if (!process.env.BENCH_DIR) rmSync(scratch, { recursive: true, force: true });
console.log('\nJSON:', JSON.stringify(rows));
