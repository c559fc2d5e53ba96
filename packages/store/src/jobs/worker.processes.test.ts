// Worker processes sharing one PostgreSQL database: exactly-once completion across processes, and
// recovery after a worker is killed with SIGKILL in the middle of a job.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { count, openJobsTestDb } from './jobs-test.fixture.js';
import { PgJobQueue } from './pg-job.queue.js';
import type { WorkerEvent, WorkerSummary } from './worker.js';

const CHILD = fileURLToPath(new URL('./test-worker.child.js', import.meta.url));

interface Child {
  proc: ChildProcess;
  events: WorkerEvent[];
  ready: Promise<void>;
  /** Resolves once `n` jobs have started in this child. */
  started: (n: number) => Promise<void>;
  stop: () => Promise<WorkerSummary>;
}

function spawnWorker(cfg: { url: string; workerId: string; concurrency: number; leaseMs: number; pollMs: number; sleepMs: number }): Child {
  const proc = fork(CHILD, [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const events: WorkerEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let readyResolve = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  let summary: WorkerSummary | null = null;
  proc.on('message', (m: { type: string; event?: WorkerEvent; summary?: WorkerSummary }) => {
    if (m.type === 'ready') readyResolve();
    if (m.type === 'stopped' && m.summary) summary = m.summary;
    if (m.type === 'event' && m.event) {
      events.push(m.event);
      const n = events.filter((e) => e.event === 'job-started').length;
      for (const w of waiters) if (n >= w.n) w.resolve();
    }
  });
  return {
    proc,
    events,
    ready,
    started: (n) => new Promise<void>((resolve) => waiters.push({ n, resolve })),
    stop: async () => {
      const exited = once(proc, 'exit');
      proc.send({ type: 'stop' });
      await exited;
      if (!summary) throw new Error(`worker ${cfg.workerId} exited without a summary`);
      return summary;
    },
  };
}

describe('worker processes on one PostgreSQL database', () => {
  it('two processes run 300 jobs: each done exactly once, no duplicate rows, no failures', async () => {
    const t = await openJobsTestDb('postgres');
    const children: Child[] = [];
    try {
      const queue = new PgJobQueue(t.db);
      await t.db.transaction(async (tx) => {
        for (let i = 0; i < 300; i++) await queue.enqueue(tx, { name: 'work', key: `work:${i}`, payload: { i } });
      });
      for (const id of ['A', 'B']) {
        children.push(spawnWorker({ url: t.url!, workerId: id, concurrency: 4, leaseMs: 5000, pollMs: 25, sleepMs: 2 }));
      }
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.proc.send({ type: 'go' });
      const idle = await queue.waitIdle(undefined, { timeoutMs: 30_000, pollMs: 50 });
      const summaries = await Promise.all(children.map((c) => c.stop()));

      assert.equal(idle.idle, true);
      assert.equal(idle.done, 300);
      assert.equal(idle.failed, 0);
      assert.equal(summaries.reduce((n, s) => n + s.succeeded, 0), 300);
      assert.ok(summaries.every((s) => s.succeeded > 0 && s.retrying === 0 && s.failed === 0 && s.leaseLost === 0), JSON.stringify(summaries));
      assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects'), 300);
      assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_runs'), 300, 'no job was executed twice');
      assert.equal(await count(t.db, 'SELECT count(DISTINCT job_id) AS n FROM job_runs'), 300);
      assert.equal(await count(t.db, "SELECT count(*) AS n FROM jobs WHERE state = 'done' AND attempts = 1 AND last_error IS NULL"), 300);
      assert.equal(
        await count(t.db, "SELECT count(*) AS n FROM jobs j JOIN job_effects e ON e.job_id = j.id WHERE j.result->>'by' = e.worker"),
        300,
        'each job’s result and effect come from the same worker',
      );
    } finally {
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
      await t.close();
    }
  });

  it('after kill -9 mid-job, another worker completes the jobs once the lease expires; nothing lost or doubled', async () => {
    const t = await openJobsTestDb('postgres');
    const children: Child[] = [];
    try {
      const queue = new PgJobQueue(t.db);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await queue.enqueue(t.db, { name: 'work', key: `work:${i}`, payload: { i } })).id);

      // A takes all three jobs and sleeps in them; B would finish them at once.
      const a = spawnWorker({ url: t.url!, workerId: 'A', concurrency: 3, leaseMs: 1000, pollMs: 25, sleepMs: 60_000 });
      children.push(a);
      await a.ready;
      a.proc.send({ type: 'go' });
      await a.started(3);
      // Mid-job: each handler has logged its run and is sleeping.
      for (let i = 0; i < 500 && (await count(t.db, 'SELECT count(*) AS n FROM job_runs')) < 3; i++) await sleep(10);
      const killed = once(a.proc, 'exit');
      a.proc.kill('SIGKILL');
      const [code, signal] = (await killed) as [number | null, string | null];
      assert.equal(signal, 'SIGKILL', `exit ${code}`);
      assert.equal((await queue.counts()).running, 3, 'the dead worker still holds the leases');

      const b = spawnWorker({ url: t.url!, workerId: 'B', concurrency: 3, leaseMs: 1000, pollMs: 25, sleepMs: 0 });
      children.push(b);
      await b.ready;
      const t0 = Date.now();
      b.proc.send({ type: 'go' });
      const idle = await queue.waitIdle(undefined, { timeoutMs: 15_000, pollMs: 50 });
      const summary = await b.stop();
      assert.equal(idle.idle, true);
      assert.ok(Date.now() - t0 < 5000, 'picked up soon after the lease expired');
      assert.equal(summary.succeeded, 3);

      for (const id of ids) {
        const job = (await queue.get(id))!;
        assert.equal(job.state, 'done');
        assert.equal(job.attempts, 2);
        assert.match(job.lastError ?? '', /worker A lost its lease on attempt 1 of 5/);
        assert.deepEqual(job.result, { by: 'B' });
      }
      const effects = await t.db.query<{ worker: string }>('SELECT worker FROM job_effects ORDER BY job_id');
      assert.deepEqual(effects.rows.map((r) => r.worker), ['B', 'B', 'B'], 'the killed worker never committed');
      const runs = await t.db.query<{ worker: string; n: number }>('SELECT worker, count(*) AS n FROM job_runs GROUP BY worker ORDER BY worker');
      assert.deepEqual(runs.rows.map((r) => [r.worker, Number(r.n)]), [['A', 3], ['B', 3]]);
    } finally {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await t.close();
    }
  });
});
