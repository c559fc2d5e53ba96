#!/usr/bin/env node
// Job queue throughput: N no-op jobs claimed and completed by 1 worker process vs 2 worker
// processes (each with concurrency C) on one fresh PostgreSQL database, and by 1 process on PGlite
// for reference. Each job's completion transaction inserts one row into a table whose job_id is
// unique (no ON CONFLICT); afterwards every job must be done, claimed exactly once (attempts = 1),
// with exactly one row: no job ran twice, none was lost.
//
// Sizes (env): BENCH_JOBS (default 5000), BENCH_CONCURRENCY (per process, default 4),
// BENCH_REPEAT (runs per setup, median reported; default 3), BENCH_DB (postgres | pglite | both; default both).
// The worker processes are this file, run with `--child`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const store = await import('@custodia/store');

const BENCH_TABLE = 'CREATE TABLE bench_runs (job_id bigint PRIMARY KEY, worker text NOT NULL)';

function handlers(workerId) {
  return {
    noop: async (job) => ({
      status: 'success',
      commit: async (tx) => {
        await tx.query('INSERT INTO bench_runs (job_id, worker) VALUES ($1, $2)', [job.id, workerId]);
      },
    }),
  };
}

async function child({ url, workerId, concurrency }) {
  const db = await store.PostgresDb.open(url, { max: concurrency + 1 });
  const worker = new store.Worker({
    queue: new store.PgJobQueue(db),
    handlers: handlers(workerId),
    workerId,
    concurrency,
    leaseMs: 30_000,
    pollMs: 50,
  });
  process.on('message', (m) => {
    if (m.type === 'go') worker.start();
    if (m.type === 'stop') {
      void worker.stop().then(async (summary) => {
        process.send({ type: 'stopped', summary });
        await db.close();
        process.disconnect();
      });
    }
  });
  process.send({ type: 'ready' });
}

async function enqueueAll(queue, db, n) {
  const t = performance.now();
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await queue.enqueue(tx, { name: 'noop', key: `noop:${i}`, payload: { i } });
  });
  return n / ((performance.now() - t) / 1000);
}

async function verify(db, n) {
  const one = async (sql) => Number((await db.query(sql)).rows[0].n);
  const done = await one("SELECT count(*) AS n FROM jobs WHERE state = 'done'");
  const onceOnly = await one("SELECT count(*) AS n FROM jobs WHERE state = 'done' AND attempts = 1");
  const rows = await one('SELECT count(*) AS n FROM bench_runs');
  const distinct = await one('SELECT count(DISTINCT job_id) AS n FROM bench_runs');
  const failed = await one("SELECT count(*) AS n FROM jobs WHERE state <> 'done'");
  const ok = done === n && onceOnly === n && rows === n && distinct === n && failed === 0;
  return { ok, text: `${done} done, ${onceOnly} claimed once, ${rows} rows (${distinct} distinct), ${failed} not done` };
}

async function runPostgres(n, processes, concurrency) {
  const t = await (await import('@custodia/store/testing')).createTestDatabase();
  const db = await store.PostgresDb.open(t.url);
  const children = [];
  try {
    await store.migrate(db);
    await db.exec(BENCH_TABLE);
    const queue = new store.PgJobQueue(db);
    const enqueueRate = await enqueueAll(queue, db, n);
    for (let p = 0; p < processes; p++) {
      const proc = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify({ url: t.url, workerId: `bench-${p}`, concurrency })], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const ready = new Promise((resolve) => proc.on('message', (m) => m.type === 'ready' && resolve()));
      const stopped = new Promise((resolve) => proc.on('message', (m) => m.type === 'stopped' && resolve(m.summary)));
      children.push({ proc, ready, stopped });
    }
    await Promise.all(children.map((c) => c.ready));
    const t0 = performance.now();
    for (const c of children) c.proc.send({ type: 'go' });
    await queue.waitIdle(['noop'], { pollMs: 50 });
    const seconds = (performance.now() - t0) / 1000;
    const summaries = [];
    for (const c of children) {
      const exited = once(c.proc, 'exit');
      c.proc.send({ type: 'stop' });
      summaries.push(await c.stopped);
      await exited;
    }
    const check = await verify(db, n);
    return { seconds, rate: n / seconds, enqueueRate, check, split: summaries.map((s) => s.succeeded).join(' + ') };
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await db.close();
    await t.drop();
  }
}

async function runPglite(n, concurrency) {
  const db = await store.PgliteDb.open(null);
  try {
    await store.migrate(db);
    await db.exec(BENCH_TABLE);
    const queue = new store.PgJobQueue(db);
    const enqueueRate = await enqueueAll(queue, db, n);
    const worker = new store.Worker({ queue, handlers: handlers('embedded'), workerId: 'embedded', concurrency, leaseMs: 30_000 });
    const t0 = performance.now();
    const summary = await worker.runUntilIdle();
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, rate: n / seconds, enqueueRate, check: await verify(db, n), split: String(summary.succeeded) };
  } finally {
    await db.close();
  }
}

async function main() {
  const n = Number(process.env.BENCH_JOBS ?? 5000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  const which = process.env.BENCH_DB ?? 'both';
  console.log(
    `Custodia job queue benchmark — ${n} no-op jobs, concurrency ${concurrency} per process, ${repeat} runs per setup (median, range), ` +
      `${availableParallelism()} CPUs shared with the PostgreSQL server, ${new Date().toISOString()}`,
  );
  const setups = [];
  if (which !== 'pglite') {
    setups.push({ label: `PostgreSQL, 1 process × ${concurrency}`, run: () => runPostgres(n, 1, concurrency) });
    setups.push({ label: `PostgreSQL, 2 processes × ${concurrency}`, run: () => runPostgres(n, 2, concurrency) });
  }
  if (which !== 'postgres') setups.push({ label: `PGlite (embedded), 1 process × ${concurrency}`, run: () => runPglite(n, concurrency) });

  const results = [];
  for (const s of setups) {
    const runs = [];
    for (let i = 0; i < repeat; i++) runs.push(await s.run());
    runs.sort((a, b) => a.rate - b.rate);
    const median = runs[Math.floor(runs.length / 2)];
    results.push({ label: s.label, ...median, min: runs[0].rate, max: runs[runs.length - 1].rate, ok: runs.every((r) => r.check.ok) });
  }

  console.log(
    `${'setup'.padEnd(36)} ${'jobs/s'.padStart(7)} ${'(range)'.padStart(13)} ${'time'.padStart(8)} ${'vs 1 proc'.padStart(9)} ${'enqueue/s'.padStart(9)}  ${'per process'.padEnd(13)} check (median run; all runs ${results.every((r) => r.ok) ? 'ok' : 'NOT ok'})`,
  );
  const base = results[0]?.rate;
  for (const r of results) {
    console.log(
      `${r.label.padEnd(36)} ${r.rate.toFixed(0).padStart(7)} ${`(${r.min.toFixed(0)}–${r.max.toFixed(0)})`.padStart(13)} ${`${r.seconds.toFixed(2)} s`.padStart(8)} ${`${(r.rate / base).toFixed(2)}×`.padStart(9)} ${r.enqueueRate.toFixed(0).padStart(9)}  ${r.split.padEnd(13)} ${r.ok ? 'ok' : 'FAILED'}: ${r.check.text}`,
    );
  }
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

if (process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3]));
} else {
  await main();
}
