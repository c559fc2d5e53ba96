import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../db/db.js';
import { DB_KINDS } from '../testing/test-databases.js';
import { PermanentJobError } from './job.errors.js';
import type { JobHandler } from './job.types.js';
import { closeSharedPglite, count, openJobsTestDb } from './jobs-test.fixture.js';
import { PgJobQueue } from './pg-job.queue.js';
import { Worker, type WorkerEvent } from './worker.js';

after(closeSharedPglite);

const effect = (jobId: number, worker: string) => async (tx: Queryable) => {
  await tx.query('INSERT INTO job_effects (job_id, worker) VALUES ($1, $2)', [jobId, worker]);
};

describe('Worker', () => {
  it('refuses to start when asked to run a job name it has no handler for', async () => {
    const t = await openJobsTestDb('pglite');
    try {
      const queue = new PgJobQueue(t.db);
      const ok: JobHandler = async () => ({ status: 'success' });
      assert.throws(
        () => new Worker({ queue, workerId: 'w', handlers: { probe: ok }, names: ['probe', 'proxy', 'thumbs'] }),
        (e: unknown) => {
          assert.match(String(e), /no handler for job names proxy, thumbs: refusing to start/);
          assert.equal((e as { code?: string }).code, 'Invalid');
          return true;
        },
      );
      assert.throws(() => new Worker({ queue, workerId: 'w', handlers: {} }), /at least one job name/);
      assert.throws(() => new Worker({ queue, workerId: 'w', handlers: { toString: ok }, names: ['constructor'] }), /no handler/);
      assert.throws(() => new Worker({ queue, workerId: 'w', handlers: { probe: ok }, concurrency: 0 }), /concurrency/);
    } finally {
      await t.close();
    }
  });

  for (const kind of DB_KINDS) {
    describe(`on ${kind}`, () => {
      it('runs a pipeline: each step’s commit and next jobs land with its completion', async () => {
        const t = await openJobsTestDb(kind);
        try {
          const queue = new PgJobQueue(t.db);
          const events: WorkerEvent[] = [];
          const worker = new Worker({
            queue,
            workerId: 'w',
            concurrency: 3,
            log: (e) => events.push(e),
            handlers: {
              probe: async (job) => ({
                status: 'success',
                result: { video: true },
                next: [{ name: 'thumbs', key: `thumbs:${job.key}`, payload: job.payload }],
                commit: effect(job.id, 'w'),
              }),
              thumbs: async (job) => ({ status: 'skipped', result: { reason: 'no frames' }, commit: effect(job.id, 'w') }),
            },
          });
          for (let i = 0; i < 10; i++) await queue.enqueue(t.db, { name: 'probe', key: `probe:${i}`, payload: { i } });
          const summary = await worker.runUntilIdle();
          assert.deepEqual(summary, { succeeded: 10, skipped: 10, retrying: 0, failed: 0, leaseLost: 0 });
          assert.deepEqual(
            (await queue.stats()).map((s) => `${s.name}:${s.state}:${s.count}`),
            ['probe:done:10', 'thumbs:skipped:10'],
          );
          assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects'), 20);
          assert.equal(events.filter((e) => e.event === 'job-started').length, 20);
          assert.ok(events.every((e) => !('payload' in e)), 'payloads are never logged');
          await queue.vacuum(); // what the worker does on PGlite after many jobs; harmless on a server
        } finally {
          await t.close();
        }
      });

      it('a throwing handler fails its job, not the worker; commit failures write nothing and retry', async () => {
        const t = await openJobsTestDb(kind);
        try {
          const queue = new PgJobQueue(t.db, { retryBaseMs: 10, random: () => 0.5 });
          let commitFailures = 1;
          const handlers: Record<string, JobHandler> = {
            // Not async: throws synchronously.
            sync: ((() => {
              throw new TypeError('sync boom');
            }) as unknown) as JobHandler,
            async: async () => {
              throw new Error('async boom');
            },
            permanent: async () => {
              throw new PermanentJobError('payload is not a probe payload');
            },
            garbage: (async () => ({ status: 'maybe' })) as unknown as JobHandler,
            notAnError: async () => {
              throw 'a string'; // eslint-disable-line no-throw-literal
            },
            commitFails: async (job) => ({
              status: 'success',
              next: [{ name: 'good', key: `after:${job.key}`, payload: {} }],
              commit: async (tx) => {
                await effect(job.id, 'w')(tx);
                if (commitFailures-- > 0) throw new Error('unique violation, say');
              },
            }),
            good: async (job) => ({ status: 'success', commit: effect(job.id, 'w') }),
          };
          const worker = new Worker({ queue, workerId: 'w', handlers, pollMs: 20, log: () => {
            throw new Error('a broken logger changes nothing');
          } });
          const ids: Record<string, number> = {};
          for (const name of Object.keys(handlers)) {
            ids[name] = (await queue.enqueue(t.db, { name, key: name, payload: {}, maxAttempts: 2 })).id;
          }

          worker.start();
          const idle = await queue.waitIdle(undefined, { timeoutMs: 10_000, pollMs: 20 });
          const summary = await worker.stop();
          assert.equal(idle.idle, true);
          assert.deepEqual(summary, { succeeded: 3, skipped: 0, retrying: 4, failed: 5, leaseLost: 0 });

          const job = async (name: string) => (await queue.get(ids[name]!))!;
          assert.equal((await job('sync')).state, 'failed');
          assert.equal((await job('sync')).attempts, 2);
          assert.equal((await job('sync')).lastError, 'TypeError: sync boom');
          assert.equal((await job('async')).lastError, 'async boom');
          assert.equal((await job('notAnError')).lastError, 'a string');
          assert.equal((await job('permanent')).attempts, 1, 'not retried');
          assert.equal((await job('permanent')).lastError, 'PermanentJobError: payload is not a probe payload');
          assert.equal((await job('garbage')).attempts, 1);
          assert.match((await job('garbage')).lastError ?? '', /returned \{"status":"maybe"\}/);
          const cf = await job('commitFails');
          assert.equal(cf.state, 'done');
          assert.equal(cf.attempts, 2);
          assert.equal(cf.lastError, 'unique violation, say', 'the failed attempt stays visible');
          assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects WHERE job_id = $1', [cf.id]), 1);
          assert.equal(await count(t.db, "SELECT count(*) AS n FROM jobs WHERE key = 'after:commitFails'"), 1);
          assert.equal((await queue.failures(10)).length, 5);
        } finally {
          await t.close();
        }
      });

      it('heartbeats keep a long job’s lease; a lost lease aborts the handler and writes nothing', async () => {
        const t = await openJobsTestDb(kind);
        try {
          const queue = new PgJobQueue(t.db);
          const seen: { aborted: boolean; reason?: unknown }[] = [];
          const handlers: Record<string, JobHandler> = {
            long: async (job) => {
              await sleep(1200); // four times the lease
              return { status: 'success', commit: effect(job.id, 'w') };
            },
            stolen: async (job, ctx) => {
              await new Promise((resolve) => {
                ctx.signal.addEventListener('abort', resolve);
                setTimeout(resolve, 5000);
              });
              seen.push({ aborted: ctx.signal.aborted, reason: ctx.signal.reason });
              await assert.rejects(ctx.heartbeat(), /job \d+ is no longer held by w \(its lease expired/);
              return { status: 'success', commit: effect(job.id, 'w') };
            },
          };
          const events: WorkerEvent[] = [];
          const worker = new Worker({ queue, workerId: 'w', handlers, leaseMs: 300, pollMs: 20, log: (e) => events.push(e) });

          const long = await queue.enqueue(t.db, { name: 'long', key: 'long', payload: {} });
          worker.start();
          await sleep(700);
          assert.equal(await queue.claim('other', ['long'], 10_000), null, 'the lease is being kept');
          await queue.waitIdle(['long'], { timeoutMs: 5000, pollMs: 20 });
          const done = (await queue.get(long.id))!;
          assert.equal(done.state, 'done');
          assert.equal(done.attempts, 1);

          const stolen = await queue.enqueue(t.db, { name: 'stolen', key: 'stolen', payload: {} });
          for (let i = 0; i < 200 && (await queue.get(stolen.id))?.state !== 'running'; i++) await sleep(10);
          // Another worker took it over (as after an expired lease).
          await t.db.query("UPDATE jobs SET locked_by = 'thief', attempts = attempts + 1 WHERE id = $1", [stolen.id]);
          const summary = await worker.stop();
          assert.equal(summary.leaseLost, 1);
          assert.equal(seen[0]?.aborted, true);
          assert.match(String(seen[0]?.reason), /LeaseLostError/);
          assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects WHERE job_id = $1', [stolen.id]), 0);
          const s = (await queue.get(stolen.id))!;
          assert.equal(s.state, 'running');
          assert.equal(s.lockedBy, 'thief');
          assert.ok(events.some((e) => e.event === 'lease-lost' && e.jobId === stolen.id));
        } finally {
          await t.close();
        }
      });
    });
  }
});
