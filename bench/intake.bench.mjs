#!/usr/bin/env node
// Intake benchmark: upload throughput (encryption + tus vs a plain PUT), server memory under ten
// parallel uploads, and encryption/decryption speed in Node and in Chromium (the portal's code).
//   npm run bench:intake
//   INTAKE_BENCH_BYTES=536870912 INTAKE_BENCH_PARALLEL_BYTES=268435456 node bench/intake.bench.mjs
// Results are written to bench/out/intake.json after each part, so a long run leaves what it measured.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { generateX25519Identity, identityToRecipient, Decrypter } from 'age-encryption';
import {
  EncryptingSource, IntakeClient, decryptAge, fileReader, generateCodename, newAgeFile, newPullToken, nodeChunkSeal, nodeUploadBody, openIntake,
} from '../packages/intake/dist/index.js';
import { deterministicBytes } from '../packages/intake/dist/testing/deterministic-bytes.js';

const MiB = 2 ** 20;
const SIZE = Number(process.env.INTAKE_BENCH_BYTES ?? 2 * 1024 * MiB);
const PAR_SIZE = Number(process.env.INTAKE_BENCH_PARALLEL_BYTES ?? 1024 * MiB);
const PAR = Number(process.env.INTAKE_BENCH_PARALLEL ?? 10);
const CRYPTO_BYTES = Number(process.env.INTAKE_BENCH_CRYPTO_BYTES ?? 256 * MiB);
const BROWSER_BYTES = Number(process.env.INTAKE_BENCH_BROWSER_BYTES ?? CRYPTO_BYTES);
const CHROMIUM = process.env.CUSTODIA_CHROMIUM ?? '/usr/bin/chromium';
const SERVER = fileURLToPath(new URL('../packages/intake/dist/testing/serve-intake.process.js', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'custodia-intake-bench-'));
let server = null;
const results = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, loadavg: (await import('node:os')).loadavg(), sizes: { SIZE, PAR_SIZE, PAR, CRYPTO_BYTES, BROWSER_BYTES } };
const mbps = (bytes, ms) => +(bytes / MiB / (ms / 1000)).toFixed(1);
const log = (...a) => console.error('bench:', ...a);
const save = async () => {
  await mkdir('bench/out', { recursive: true });
  await writeFile('bench/out/intake.json', JSON.stringify(results, null, 2) + '\n');
};

async function makeFile(path, size, seed) {
  const out = createWriteStream(path);
  for (let o = 0; o < size; o += 16 * MiB) {
    if (!out.write(deterministicBytes(seed, o, Math.min(16 * MiB, size - o)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
}

function startServer(home) {
  const child = spawn(process.execPath, [SERVER, home, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

async function rssOf(pid) {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)[1]) * 1024;
}

async function browserCrypto(bytes) {
  const { build } = await import('vite');
  const out = join(work, 'browser');
  await build({ root: fileURLToPath(new URL('./intake-browser/', import.meta.url)), logLevel: 'warn', build: { outDir: out, emptyOutDir: true, target: 'es2022' } });
  const files = createServer(async (req, res) => {
    const path = join(out, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
    if (!path.startsWith(out)) return res.writeHead(403).end();
    const type = path.endsWith('.html') ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    readFile(path).then((b) => res.writeHead(200, { 'content-type': type }).end(b), () => res.writeHead(404).end());
  });
  await new Promise((r) => files.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${files.address().port}/`);
    await page.waitForFunction(() => window.benchReady === true);
    const version = browser.version();
    const r = await page.evaluate((n) => window.runBench(n), bytes);
    return { ...r, browser: `Chromium ${version}`, note: 'encrypt: padding + age STREAM (@noble/ciphers) + SHA-256 (hash-wasm), as the portal; decrypt: typage, as the staff inbox' };
  } finally {
    await browser.close();
    files.close();
  }
}

try {
  if (process.env.INTAKE_BENCH_ONLY === 'chromium') {
    results.chromium = await browserCrypto(BROWSER_BYTES);
    console.log(JSON.stringify(results.chromium, null, 2));
    await rm(work, { recursive: true, force: true });
    process.exit(0);
  }
  const big = join(work, 'big.bin');
  log(`writing a ${SIZE / MiB} MiB test file`);
  await makeFile(big, SIZE, 1);

  // 1. Baseline: a plain unencrypted HTTP PUT to a bare Node server writing to disk.
  const bare = createServer((req, res) => {
    pipeline(req, createWriteStream(join(work, 'put.bin'))).then(() => res.end('ok'), () => res.destroy());
  });
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  let t = performance.now();
  await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bare.address().port, method: 'PUT', path: '/', headers: { 'content-length': SIZE } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    createReadStream(big, { highWaterMark: MiB }).pipe(req);
  });
  const putMs = performance.now() - t;
  bare.close();
  await rm(join(work, 'put.bin'));
  results.plainPut = { mbps: mbps(SIZE, putMs) };
  log('plain PUT', results.plainPut);
  await save();

  // 2. Full path: encryption (browser code, and Node's native AEAD) + tus to the real intake server.
  const home = join(work, 'intake');
  await mkdir(home);
  await newPullToken(home);
  const identity = await generateX25519Identity();
  const setup = await openIntake({ home });
  await setup.service.repo.createChannel('bench', 'bench');
  await setup.service.repo.addRecipient('bench', 'bench', await identityToRecipient(identity));
  await setup.close();
  server = await startServer(home);
  const url = `http://127.0.0.1:${server.port}`;
  for (const [name, seal] of [['portable (browser code: @noble/ciphers)', undefined], ['native (Node OpenSSL ChaCha20-Poly1305)', nodeChunkSeal]]) {
    const client = new IntakeClient(url, seal, nodeUploadBody);
    await client.create('bench', generateCodename());
    const batch = await client.newBatch();
    const reader = await fileReader(big);
    t = performance.now();
    await client.uploadFile(batch, reader, { path: 'big.bin', mtime: null, chunkSize: 32 * MiB });
    const ms = performance.now() - t;
    await reader.close();
    results[`tus ${name}`] = { mbps: mbps(SIZE, ms), ratioToPlainPut: +(putMs / ms).toFixed(2) };
    log(`tus ${name}`, results[`tus ${name}`]);
    await save();
    await rm(join(home, 'uploads'), { recursive: true, force: true });
    await mkdir(join(home, 'uploads'));
  }

  // 3. Server memory during parallel uploads.
  log(`${PAR} parallel uploads of ${PAR_SIZE / MiB} MiB`);
  const rssStart = await rssOf(server.child.pid);
  let rssMax = rssStart;
  const samples = [];
  const sampler = setInterval(async () => {
    const r = await rssOf(server.child.pid).catch(() => 0);
    rssMax = Math.max(rssMax, r);
    samples.push(r);
  }, 250);
  t = performance.now();
  await Promise.all(
    Array.from({ length: PAR }, async (_, i) => {
      const client = new IntakeClient(url, nodeChunkSeal, nodeUploadBody);
      await client.create('bench', generateCodename());
      const batch = await client.newBatch();
      const plain = { size: PAR_SIZE, read: async (o, n) => deterministicBytes(100 + i, o, Math.min(n, PAR_SIZE - o)) };
      await client.uploadFile(batch, plain, { path: `p${i}.bin`, mtime: null, chunkSize: 8 * MiB });
    }),
  );
  const parMs = performance.now() - t;
  clearInterval(sampler);
  results.parallel = {
    uploads: PAR,
    bytesEach: PAR_SIZE,
    aggregateMbps: mbps(PAR * PAR_SIZE, parMs),
    serverRssStartMiB: +(rssStart / MiB).toFixed(0),
    serverRssMaxMiB: +(rssMax / MiB).toFixed(0),
    serverRssMedianMiB: +(samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] / MiB).toFixed(0),
  };
  log('parallel', results.parallel);
  await save();
  server.child.kill('SIGTERM');

  // 4. Encryption and decryption speed in Node, in memory.
  const plain = { size: CRYPTO_BYTES, read: async (o, n) => deterministicBytes(7, o, Math.min(n, CRYPTO_BYTES - o)) };
  const recipient = await identityToRecipient(identity);
  for (const [name, seal] of [['portable', undefined], ['native', nodeChunkSeal]]) {
    const src = await EncryptingSource.open(plain, await newAgeFile([recipient]), seal);
    const parts = [];
    t = performance.now();
    for (let o = 0; o < src.size; o += 8 * MiB) parts.push(await src.slice(o, Math.min(src.size, o + 8 * MiB)));
    const encMs = performance.now() - t;
    results[`encrypt ${name}`] = { mbps: mbps(CRYPTO_BYTES, encMs), note: 'includes generating the plaintext and SHA-256' };
    if (name === 'native') {
      t = performance.now();
      let n = 0;
      for await (const p of decryptAge((async function* () { yield* parts; })(), [identity])) n += p.length;
      results['decrypt native (import path)'] = { mbps: mbps(n, performance.now() - t) };
      const d = new Decrypter();
      d.addIdentity(identity);
      t = performance.now();
      const stream = await d.decrypt(new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } }));
      let m = 0;
      for await (const p of stream) m += p.length;
      results['decrypt portable (typage)'] = { mbps: mbps(m, performance.now() - t) };
    }
  }
  log('crypto', results);
  await save();

  // 5. The same in Chromium: the portal's EncryptingSource and typage's Decrypter, bundled by Vite.
  results.chromium = await browserCrypto(BROWSER_BYTES);
  log('chromium', results.chromium);
  await save();
  console.log(JSON.stringify(results, null, 2));
} catch (e) {
  console.error('bench failed:', e);
  process.exitCode = 1;
} finally {
  server?.child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  await rm(work, { recursive: true, force: true, maxRetries: 5 });
}
