#!/usr/bin/env node
// Court export figures, measured side by side with their floor in one run:
//   export of a package of N items × ~10 MB (with originals) with `custodia export`, and its
//   verification with the package's own `node verify.js`, beside `cp -r` of the same bytes and
//   `sha256sum -c` of the copies (what any export and any check must at least do).
//
// With --zip the export also writes <package>.zip (zip64 beyond 4 GiB), which is then checked by
// standard tools: `unzip -t` (every member's CRC), Python's zipfile (names, sizes, zip64 records),
// verified as it is with `node verify.js package.zip`, and extracted with `unzip` to verify the
// extracted copy with its own verify.js.
//
// Usage: node bench/export.bench.mjs [--quick] [--zip]     full: 1,000 items / 10 GB; --quick: 100 items / 1 GB
// Env: BENCH_DIR (scratch folder; needs ~4 × the data size free), BENCH_ITEMS, BENCH_ITEM_MB.
// Files come from AES-128-CTR over zeros keyed by the file number: fast, deterministic, incompressible.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(here, '..', 'packages', 'cli', 'dist', 'main.js');
const quick = process.argv.includes('--quick');
const zip = process.argv.includes('--zip');
const ITEMS = Number(process.env.BENCH_ITEMS ?? (quick ? 100 : 1000));
const ITEM_MB = Number(process.env.BENCH_ITEM_MB ?? 10);
const scratch = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'custodia-export-bench-'));
const env = { ...process.env, CUSTODIA_HOME: join(scratch, 'home'), CUSTODIA_OPERATOR: 'bench' };
delete env.DATABASE_URL;
delete env.CUSTODIA_TSA_URLS;

const sh = (cmd, args, opts = {}) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(-2000)}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
};

function generate(dir) {
  mkdirSync(dir, { recursive: true });
  const zeros = Buffer.alloc(1 << 20);
  let bytes = 0;
  for (let i = 0; i < ITEMS; i++) {
    const key = createHash('sha256').update(`custodia-export-bench-${i}`).digest().subarray(0, 16);
    const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
    const fd = openSync(join(dir, `cam${String(i % 16).padStart(2, '0')}_${String(i).padStart(5, '0')}.bin`), 'w');
    for (let m = 0; m < ITEM_MB; m++) bytes += writeSync(fd, c.update(zeros));
    closeSync(fd);
  }
  return bytes;
}

const rows = [];
const line = (figure, value, floor, ratio) => {
  rows.push({ figure, value, floor, ratio });
  console.log(`${figure.padEnd(44)} ${String(value).padEnd(22)} ${String(floor).padEnd(30)} ${ratio}`);
};
const gbps = (bytes, s) => `${(bytes / s / 1e9).toFixed(2)} GB/s`;

/** Checks the zip with standard tools, then extracts it (in place of the folder) and verifies the copy. */
function checkZip(zipPath, pkg, summary) {
  const test = sh('unzip', ['-tq', zipPath]);
  if (!/No errors detected/.test(test.out)) throw new Error(`unzip -t: ${test.out.slice(-2000)}`);
  const py = sh('python3', ['-c', `
import json, os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
infos = z.infolist()
pkg = sys.argv[2]
for i in infos:
    rel = i.filename.split('/', 1)[1]
    size = os.path.getsize(os.path.join(pkg, rel))
    if i.file_size != size or i.compress_type != zipfile.ZIP_STORED:
        sys.exit('member %s: %d bytes in the zip, %d in the folder' % (i.filename, i.file_size, size))
with open(sys.argv[1], 'rb') as f:
    f.seek(-200, 2)
    tail = f.read()
print(json.dumps({'entries': len(infos), 'eocd64': b'PK\x06\x06' in tail, 'lastOffset': max(i.header_offset for i in infos)}))
`, zipPath, pkg]);
  const info = JSON.parse(py.out);
  // The zip verified as it is, without unpacking it (ADR 0030).
  const inPlace = sh(process.execPath, [join(pkg, 'verify.js'), zipPath, '--json']);
  const inPlaceVerdict = JSON.parse(inPlace.out);
  if (!inPlaceVerdict.ok || inPlaceVerdict.items.length !== summary.items) throw new Error(`the zip did not verify in place: ${JSON.stringify(inPlaceVerdict.problems.slice(0, 5))}`);
  const zipBytes = Number(sh('stat', ['-c', '%s', zipPath]).out.trim());
  rmSync(pkg, { recursive: true, force: true });
  const extract = sh('unzip', ['-q', zipPath, '-d', join(pkg, '..')]);
  const ver = sh(process.execPath, ['verify.js', '.', '--json'], { cwd: pkg });
  const verdict = JSON.parse(ver.out);
  if (!verdict.ok || verdict.items.length !== summary.items) throw new Error(`the extracted zip did not verify: ${JSON.stringify(verdict.problems.slice(0, 5))}`);
  return { test: test.s, inPlace: inPlace.s, extract: extract.s, verify: ver.s, entries: info.entries, eocd64: info.eocd64, lastOffset: info.lastOffset, python: 'ok', zipBytes };
}

try {
  console.log(`export bench: ${ITEMS} items × ${ITEM_MB} MB in ${scratch}${quick ? ' (--quick)' : ''}${zip ? ' (--zip)' : ''}`);
  console.log(`load at start: ${sh('uptime', []).out.trim()}`);
  const evidence = join(scratch, 'evidence');
  const bytes = generate(evidence);
  sh(process.execPath, [CLI, 'init'], { env });
  const ing = sh(process.execPath, [CLI, 'ingest', evidence, '--case', 'bench', '--no-progress', '--json'], { env });
  console.log(`(ingest: ${ing.s.toFixed(1)} s, ${gbps(bytes, ing.s)} — not part of the figures)`);

  // Floor: copy the same bytes and check them against a SHA256SUMS, as any export and any check must.
  sh('bash', ['-c', `cd ${JSON.stringify(evidence)} && sha256sum * > ${JSON.stringify(join(scratch, 'floor.sums'))}`]);
  // Each write-heavy step starts with nothing left to flush, and its own flush (`sync`) is timed
  // after it: `cp -r` alone measures the page cache, not the disk.
  sh('sync', []);
  const cpRun = sh('cp', ['-r', evidence, join(scratch, 'floor-copy')]);
  const cpSync = sh('sync', []);
  writeFileSync(join(scratch, 'floor-copy', 'SHA256SUMS'), sh('cat', [join(scratch, 'floor.sums')]).out);
  const check = sh('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: join(scratch, 'floor-copy') });
  rmSync(join(scratch, 'floor-copy'), { recursive: true, force: true });
  rmSync(evidence, { recursive: true, force: true }); // the vault holds the bytes now; frees disk for the zip

  const pkg = join(scratch, 'package');
  sh('sync', []);
  const exp = sh(process.execPath, [CLI, 'export', '--case', 'bench', '--with-originals', ...(zip ? ['--zip'] : []), '--out', pkg, '--json', '--no-progress'], { env });
  const expSync = sh('sync', []);
  const summary = JSON.parse(exp.out);
  const ver = sh(process.execPath, ['verify.js', '.', '--json'], { cwd: pkg });
  const verdict = JSON.parse(ver.out);
  if (!verdict.ok) throw new Error(`the package did not verify: ${JSON.stringify(verdict.problems.slice(0, 5))}`);
  const pkgSums = sh('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: pkg });

  const zipRows = zip ? checkZip(`${pkg}.zip`, pkg, summary) : null;
  console.log(`load at end: ${sh('uptime', []).out.trim()}`);

  console.log('');
  console.log(`${'figure'.padEnd(44)} ${'value'.padEnd(22)} ${'floor (same run)'.padEnd(30)} ratio`);
  const t = summary.timings;
  if (zip) {
    const folder = exp.s - t.zip;
    line(`export ${summary.items} items, ${(bytes / 1e9).toFixed(1)} GB, folder part`, `${folder.toFixed(1)} s (${gbps(bytes, folder)})`, `cp -r ${cpRun.s.toFixed(1)} s (${gbps(bytes, cpRun.s)})`, `${(folder / cpRun.s).toFixed(2)}×`);
    line(`  + writing the zip (${(zipRows.zipBytes / 2 ** 30).toFixed(2)} GiB)`, `${t.zip.toFixed(1)} s (${gbps(zipRows.zipBytes, t.zip)})`, `cp -r ${cpRun.s.toFixed(1)} s`, `${(t.zip / cpRun.s).toFixed(2)}×`);
  }
  line(`export ${summary.items} items, ${(bytes / 1e9).toFixed(1)} GB (custodia export${zip ? " --zip" : ""})`, `${exp.s.toFixed(1)} s (${gbps(bytes, exp.s)})`, `cp -r ${cpRun.s.toFixed(1)} s (${gbps(bytes, cpRun.s)})`, `${(exp.s / cpRun.s).toFixed(2)}×`);
  line('export + sync (until on disk)', `${(exp.s + expSync.s).toFixed(1)} s`, `cp -r + sync ${(cpRun.s + cpSync.s).toFixed(1)} s`, `${((exp.s + expSync.s) / (cpRun.s + cpSync.s)).toFixed(2)}×`);
  line('verify the package (node verify.js)', `${ver.s.toFixed(1)} s (${gbps(bytes, ver.s)})`, `sha256sum -c ${check.s.toFixed(1)} s (${gbps(bytes, check.s)})`, `${(ver.s / check.s).toFixed(2)}×`);
  line('sha256sum -c SHA256SUMS of the package', `${pkgSums.s.toFixed(1)} s`, '', '');
  line('ledger entries in the package', summary.ledgerEntries, '', '');
  if (zipRows) {
    line('unzip -t of the zip (every CRC)', `${zipRows.test.toFixed(1)} s`, '', '');
    line('node verify.js package.zip (in place)', `${zipRows.inPlace.toFixed(1)} s (${gbps(bytes, zipRows.inPlace)})`, `sha256sum -c ${check.s.toFixed(1)} s`, `${(zipRows.inPlace / check.s).toFixed(2)}×`);
    line('unzip of the zip, then its verify.js', `${zipRows.extract.toFixed(1)} s + ${zipRows.verify.toFixed(1)} s`, `sha256sum -c ${check.s.toFixed(1)} s`, `${(zipRows.verify / check.s).toFixed(2)}×`);
    console.log(`zip: ${zipRows.entries} entries, ${zipRows.zipBytes} bytes, zip64 end record: ${zipRows.eocd64}, last local header at ${zipRows.lastOffset}; Python zipfile read every name and size: ${zipRows.python}`);
  }
  const inProcess = Object.values(t).reduce((a, b) => a + b, 0);
  console.log(`export phases (s): select ${t.select}, ledger entry + checkpoint + proofs ${t.ledger}, files ${t.files}, ` +
    `manifest + report.pdf + VERIFY.md + SHA256SUMS ${t.report}; process start + database open ${(exp.s - inProcess).toFixed(1)}`);
  console.log(JSON.stringify({ items: ITEMS, itemMb: ITEM_MB, bytes, rows }));
} finally {
  if (!process.env.BENCH_KEEP) rmSync(scratch, { recursive: true, force: true });
}
