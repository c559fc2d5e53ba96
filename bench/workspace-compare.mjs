#!/usr/bin/env node
// The items query of an earlier revision and of this tree side by side, interleaved request by
// request, on one database seeded by `BENCH_KEEP=1 BENCH_DB=postgres node bench/workspace.bench.mjs`
// (which prints its address): in-process (no HTTP), wall time and the PostgreSQL backend's CPU
// time per query, each implementation on its own connection.
//
// Env: BENCH_DATABASE_URL (required), BENCH_BASE (a git revision, default 0d576be: before the kept
// facet counts), BENCH_REQUESTS (default 40), BENCH_CASE (default 1), BENCH_HIDE_PROTECTED=1. Run `npx tsc -b` first.
// The earlier revision's evidence query modules are compiled into bench/out/.
import pg from 'pg';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL: the address of a database kept by the workspace bench (BENCH_KEEP=1)');
const base = process.env.BENCH_BASE ?? '0d576be';
const N = Number(process.env.BENCH_REQUESTS ?? 40);
const caseId = Number(process.env.BENCH_CASE ?? 1);
// BENCH_HIDE_PROTECTED=1: query as a member without the source-identity grant (what the HTTP bench's user is).
const hideProtected = process.env.BENCH_HIDE_PROTECTED === '1';
const root = new URL('..', import.meta.url).pathname;
const dir = `${root}bench/out/items-query-${base}/`;
// The revision's server sources (the evidence queries import from neighbouring folders), of which
// the evidence query modules are compiled (with what they import) into bench/out/.
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
execFileSync('bash', ['-c', `git -C '${root}' archive '${base}' packages/server/src | tar -x -C '${dir}'`]);
const src = `${dir}packages/server/src/`;
const evidenceFiles = readdirSync(`${src}evidence`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
writeFileSync(dir + 'package.json', '{"type":"module"}');
execFileSync('npx', ['tsc', '--ignoreConfig', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--noCheck', '--rootDir', src, '--outDir', `${dir}js`, ...evidenceFiles.map((f) => `${src}evidence/${f}`)], { cwd: root, stdio: 'inherit' });
const before = await import(`${dir}js/evidence/items.query.js`);
const now = await import('@custodia/server');

const conn = async () => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pid = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p;
  const ticks = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  return { c, ticks, db: { query: (s, p) => c.query(s, p).then((x) => ({ rows: x.rows, rowCount: x.rowCount })) } };
};
const A = await conn();
const B = await conn();
const Q = {
  listWithFacets: {},
  listFilteredSorted: { kind: ['video'], hasActivity: true, sort: '-activity' },
  searchPlusFilter: { q: 'угрозы', kind: ['video'], review: ['annotated', 'verified'] },
  searchRussianCommon: { q: 'избиения' },
  searchEnglishCommon: { q: 'beatings' },
  searchRare: { q: 'электрошокер' },
  searchCommonBySize: { q: 'beatings', sort: '-size' },
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const r1 = (x) => Math.round(x * 10) / 10;
console.log(`\n${base} vs this tree, ${N} requests each, interleaved; load average before: ${loadavg().map(r1).join(' ')}\n`);
console.log(`| query (in-process, no HTTP) | ${base} p50 | p95 | CPU ms | now p50 | p95 | CPU ms | CPU ${base} / now | total ${base} / now |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [name, q] of Object.entries(Q)) {
  const run = async (impl, x) => {
    const t0 = x.ticks();
    const t = performance.now();
    const r = await impl(x.db, caseId, { sort: 'path', limit: 100, ...q }, { facilities: true }, { hideProtected });
    return { ms: performance.now() - t, ticks: x.ticks() - t0, r };
  };
  for (let i = 0; i < 3; i++) {
    await run(before.queryItems, A);
    await run(now.queryItems, B);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < N; i++) {
    a.push(await run(before.queryItems, A));
    b.push(await run(now.queryItems, B));
  }
  const cpu = (xs) => (xs.reduce((s, x) => s + x.ticks, 0) * 10) / xs.length;
  const total = (x) => `${x.r.total}${x.r.estimated ? '≈' : ''}`;
  const ms = (xs, p) => r1(pct(xs.map((x) => x.ms), p));
  console.log(`| ${name} | ${ms(a, 50)} | ${ms(a, 95)} | ${r1(cpu(a))} | ${ms(b, 50)} | ${ms(b, 95)} | ${r1(cpu(b))} | ${cpu(b) ? r1(cpu(a) / cpu(b)) : '—'} | ${total(a.at(-1))} / ${total(b.at(-1))} |`);
}
console.log(`\nload average after: ${loadavg().map(r1).join(' ')}`);
await A.c.end();
await B.c.end();
