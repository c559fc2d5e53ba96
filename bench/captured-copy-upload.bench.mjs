#!/usr/bin/env node
// A captured copy uploaded from the browser (POST /api/cases/:caseId/sources/upload, ADR 0031):
// the server's peak memory above idle while it receives one copy of BENCH_MB MiB (default 60) sent
// by curl from a file, side by side with the former reading (the whole body parsed into memory,
// then the file copied out of it and written to a temporary file) on the same server stack.
//
//   former:   Hono parseBody, Buffer.from(await file.arrayBuffer()), writeFile   (reading only)
//   streamed: receiveMultipart to a temporary file                               (reading only)
//   route:    the whole route: streamed, ingested (hashed, stored, ledgered), source recorded
//
// Env: BENCH_MB, BENCH_RUNS (default 3), BENCH_DB (postgres | pglite, default postgres).
// Run with --expose-gc for steadier idle figures. The streamed peaks are mostly chunks already
// written but not yet collected (V8 collects ArrayBuffers by external-memory pressure): they stay
// flat whatever the size of the copy (try BENCH_MB=16 and BENCH_MB=150), the former grow with it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const { startTestServer } = await import('@custodia/server/testing');
const { receiveMultipart } = await import('../packages/server/dist/http/multipart-stream.js');

const MB = Number(process.env.BENCH_MB ?? 60);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KIND = process.env.BENCH_DB ?? 'postgres';
const mib = (b) => Math.round((b / 1048576) * 10) / 10;

const dir = await mkdtemp(join(tmpdir(), 'custodia-upload-bench-'));
const file = join(dir, 'copy.bin');
await writeFile(file, randomBytes(MB * 1048576));
const s = await startTestServer(KIND);
try {
  const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
  const admin = s.client();
  await admin.signIn('admin', { totpSecret: a.totpSecret });
  const caseId = (await admin.json('POST', '/api/cases', { name: 'Upload bench' })).body.case.id;

  // The two bare readings, on the same app (session, CSRF and the rest of the stack in front).
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const bare = new Hono();
  bare.post('/former', async (c) => {
    const form = await c.req.parseBody();
    const f = form.file;
    const out = join(dir, `former-${Date.now()}`);
    await writeFile(out, Buffer.from(await f.arrayBuffer()));
    await rm(out);
    return c.json({ size: f.size });
  });
  bare.post('/streamed', async (c) => {
    const out = join(dir, `streamed-${Date.now()}`);
    const r = await receiveMultipart(c.req.raw.body, c.req.header('content-type') ?? '', { fileField: 'file', filePath: out, maxBody: 2 ** 40, maxFile: 2 ** 40 });
    await rm(out);
    return c.json({ size: r.file.size });
  });
  const bareServer = await new Promise((res) => {
    const srv = serve({ fetch: bare.fetch, hostname: '127.0.0.1', port: 0 }, () => res(srv));
  });
  const bareUrl = `http://127.0.0.1:${bareServer.address().port}`;

  const curl = (url, headers) =>
    new Promise((res, rej) => {
      const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-F', 'kind=document', '-F', 'title=Bench copy', '-F', `file=@${file};filename=copy.bin`];
      for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
      const p = spawn('curl', [...args, url]);
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('error', rej);
      p.on('close', () => res(out));
    });

  async function measure(label, url, headers) {
    const rows = [];
    for (let i = 0; i < RUNS; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 200));
      const idle = process.memoryUsage();
      const peak = { rss: idle.rss, heap: idle.heapUsed, ab: idle.arrayBuffers, ext: idle.external };
      const timer = setInterval(() => {
        const m = process.memoryUsage();
        peak.rss = Math.max(peak.rss, m.rss);
        peak.heap = Math.max(peak.heap, m.heapUsed);
        peak.ab = Math.max(peak.ab, m.arrayBuffers);
        peak.ext = Math.max(peak.ext, m.external);
      }, 2);
      const t0 = performance.now();
      const status = await curl(url, headers);
      const ms = performance.now() - t0;
      clearInterval(timer);
      if (!/^20[01]$/.test(status)) throw new Error(`${label}: HTTP ${status}`);
      rows.push({ rss: peak.rss - idle.rss, ab: peak.ab - idle.arrayBuffers, ext: peak.ext - idle.external, heap: peak.heap - idle.heapUsed, ms });
    }
    const med = (k) => rows.map((r) => r[k]).sort((x, y) => x - y)[Math.floor(rows.length / 2)];
    return { label, rss: mib(med('rss')), ab: mib(med('ab')), ext: mib(med('ext')), heap: mib(med('heap')), ms: Math.round(med('ms')) };
  }

  const auth = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
  const results = [
    await measure('former (parse into memory)', `${bareUrl}/former`, {}),
    await measure('streamed (to a temp file)', `${bareUrl}/streamed`, {}),
    // The route refuses copies over 64 MiB.
    ...(MB <= 64 ? [await measure('route (streamed + ingest)', `${s.url}/api/cases/${caseId}/sources/upload`, auth)] : []),
  ];
  console.log(`captured copy of ${MB} MiB, ${KIND}, median of ${RUNS}; peak above idle in MiB`);
  console.log(['reading'.padEnd(28), 'rss'.padStart(7), 'arrayBuf'.padStart(9), 'external'.padStart(9), 'heap'.padStart(7), 'ms'.padStart(7)].join(''));
  for (const r of results) console.log([r.label.padEnd(28), String(r.rss).padStart(7), String(r.ab).padStart(9), String(r.ext).padStart(9), String(r.heap).padStart(7), String(r.ms).padStart(7)].join(''));
  bareServer.close();
} finally {
  await s.close();
  await rm(dir, { recursive: true, force: true });
}
