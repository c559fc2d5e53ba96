import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DB_KINDS } from '../testing/test-databases.js';
import { LeaseLostError } from './job.errors.js';
import { closeSharedPglite, count, openJobsTestDb } from './jobs-test.fixture.js';
import { PgJobQueue } from './pg-job.queue.js';
import { CLAIM_SQL } from './pg-job.sql.js';

const spec = (key: string, extra: Partial<{ name: string; maxAttempts: number; runAfter: Date }> = {}) => ({
  name: 'probe',
  key,
  payload: { key },
  ...extra,
});

after(closeSharedPglite);

for (const kind of DB_KINDS) {
  describe(`PgJobQueue on ${kind}`, () => {
    it('enqueue is idempotent by key, also concurrently, and joins the caller’s transaction', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        const results = await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(t.db, spec('probe:aaa:ffprobe-5.1'))));
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.id)).size, 1);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM jobs'), 1);
        const job = await queue.get(results[0]!.id);
        assert.deepEqual(job?.payload, { key: 'probe:aaa:ffprobe-5.1' });
        assert.equal(job?.state, 'queued');
        assert.equal(job?.maxAttempts, 5);

        // Rolled back with the caller's transaction; visible with its commit.
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await queue.enqueue(tx, spec('probe:bbb'));
            throw new Error('ingest failed');
          }),
          /ingest failed/,
        );
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM jobs WHERE key = $1', ['probe:bbb']), 0);
        const inTx = await t.db.transaction((tx) => queue.enqueue(tx, spec('probe:bbb')));
        assert.equal(inTx.created, true);

        // The same key for another kind of job is a bug in the caller, not a duplicate.
        await assert.rejects(queue.enqueue(t.db, spec('probe:bbb', { name: 'proxy' })), /already belongs to a probe job/);
      } finally {
        await t.close();
      }
    });

    it('claims due jobs of the given names in run_after, id order, one worker each', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        const a = await queue.enqueue(t.db, spec('a'));
        const b = await queue.enqueue(t.db, spec('b'));
        await queue.enqueue(t.db, spec('later', { runAfter: new Date(Date.now() + 3_600_000) }));
        const early = await queue.enqueue(t.db, spec('early', { runAfter: new Date(Date.now() - 60_000) }));
        await queue.enqueue(t.db, spec('other', { name: 'transcode' }));

        const first = await queue.claim('w1', ['probe'], 10_000);
        assert.equal(first?.id, early.id);
        assert.equal(first?.state, 'running');
        assert.equal(first?.lockedBy, 'w1');
        assert.equal(first?.attempts, 1);
        assert.ok(first!.lockedUntil!.getTime() > Date.now() + 5_000);
        assert.equal((await queue.claim('w2', ['probe'], 10_000))?.id, a.id);
        assert.equal((await queue.claim('w1', ['probe'], 10_000))?.id, b.id);
        assert.equal(await queue.claim('w2', ['probe'], 10_000), null, 'not due, running or another name');
        assert.equal((await queue.claim('w2', ['probe', 'transcode'], 10_000))?.key, 'other');
      } finally {
        await t.close();
      }
    });

    it('a claim walks the pending index in order, whatever the statistics say (no sort of the backlog)', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        await t.db.exec('ANALYZE jobs'); // statistics of an empty queue, then a burst
        await t.db.exec(`
          INSERT INTO jobs (name, key, payload)
          SELECT (ARRAY['probe', 'proxy', 'triage'])[1 + i % 3], 'burst:' || i, '{}' FROM generate_series(0, 2999) AS i`);
        const plan = async () =>
          (await t.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM_SQL}`, [['probe', 'proxy'], 'w', 1000])).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
        for (const when of ['stale statistics', 'fresh statistics']) {
          const p = await plan();
          assert.match(p, /Index Scan using jobs_pending on jobs/, `${when}:\n${p}`);
          assert.doesNotMatch(p, /Bitmap|Seq Scan on jobs/, `${when}:\n${p}`);
          await t.db.exec('ANALYZE jobs');
        }
        const first = await queue.claim('w', ['triage', 'proxy'], 1000);
        assert.equal(first?.key, 'burst:1', 'the earliest among the names');
      } finally {
        await t.close();
      }
    });

    it('complete writes the commit rows, the result and the next jobs in one transaction', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db, { retryBaseMs: 10, random: () => 0.5 });
        const { id } = await queue.enqueue(t.db, spec('probe:1'));
        const job = (await queue.claim('w', ['probe'], 10_000))!;
        const outcome = {
          status: 'success' as const,
          result: { streams: 2 },
          next: [spec('proxy:1', { name: 'proxy' }), spec('thumbs:1', { name: 'thumbs' })],
          commit: async (tx: import('../db/db.js').Queryable) => {
            await tx.query('INSERT INTO job_effects (job_id, worker) VALUES ($1, $2)', [job.id, 'w']);
          },
        };

        // A commit that throws: nothing of it, no next job, the job still ours and retried later.
        const failing = {
          ...outcome,
          commit: async (tx: import('../db/db.js').Queryable) => {
            await outcome.commit(tx);
            throw new Error('disk full');
          },
        };
        await assert.rejects(queue.complete(job, 'w', failing), /disk full/);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects'), 0);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM jobs'), 1);
        assert.equal((await queue.get(id))?.state, 'running');
        assert.equal(await queue.fail(job, 'w', 'disk full'), 'retrying');
        await sleep(40);
        const again = (await queue.claim('w', ['probe'], 10_000))!;
        assert.equal(again.id, id);
        assert.equal(again.attempts, 2);
        assert.equal(again.lastError, 'disk full');

        await assert.rejects(queue.complete(job, 'w', outcome), LeaseLostError, 'the first claim is fenced off by the attempt number');
        await queue.complete(again, 'w', outcome);
        const done = (await queue.get(id))!;
        assert.equal(done.state, 'done');
        assert.deepEqual(done.result, { streams: 2 });
        assert.equal(done.lockedBy, null);
        assert.ok(done.finishedAt instanceof Date);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects'), 1);
        assert.deepEqual(
          (await queue.stats()).map((s) => `${s.name}:${s.state}:${s.count}`),
          ['probe:done:1', 'proxy:queued:1', 'thumbs:queued:1'],
        );
        await assert.rejects(queue.complete(again, 'w', outcome), LeaseLostError, 'a job completes once');

        const skip = await queue.enqueue(t.db, spec('probe:2'));
        await queue.complete((await queue.claim('w', ['probe'], 10_000))!, 'w', { status: 'skipped' });
        assert.equal((await queue.get(skip.id))?.state, 'skipped');
      } finally {
        await t.close();
      }
    });

    it('retries with exponential backoff, then fails visibly with the error kept; retry() requeues', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db, { retryBaseMs: 25, random: () => 0.5 });
        const { id } = await queue.enqueue(t.db, spec('flaky', { maxAttempts: 3 }));
        const delays: number[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          let job = await queue.claim('w', ['probe'], 10_000);
          for (let i = 0; !job && i < 100; i++) {
            await sleep(10);
            job = await queue.claim('w', ['probe'], 10_000);
          }
          assert.ok(job, `attempt ${attempt} claimed`);
          assert.equal(job.attempts, attempt);
          const state = await queue.fail(job, 'w', `boom ${attempt}`);
          assert.equal(state, attempt < 3 ? 'retrying' : 'failed');
          const after = (await queue.get(id))!;
          if (attempt < 3) {
            delays.push(after.runAfter.getTime() - after.updatedAt.getTime());
            assert.equal(after.state, 'queued');
            assert.equal(await queue.claim('w', ['probe'], 10_000), null, 'not before its backoff');
          }
        }
        assert.deepEqual(delays, [50, 100], '2^attempts × base (jitter fixed at its middle)');
        const failed = (await queue.get(id))!;
        assert.equal(failed.state, 'failed');
        assert.equal(failed.lastError, 'boom 3');
        assert.equal(failed.attempts, 3);
        assert.ok(failed.finishedAt);
        assert.equal(await queue.claim('w', ['probe'], 10_000), null, 'a failed job is not claimed');
        const failures = await queue.failures(10);
        assert.deepEqual(
          failures.map((f) => ({ id: f.id, name: f.name, key: f.key, attempts: f.attempts, lastError: f.lastError })),
          [{ id, name: 'probe', key: 'flaky', attempts: 3, lastError: 'boom 3' }],
        );

        assert.equal(await queue.retry({ name: 'proxy' }), 0);
        assert.equal(await queue.retry({ name: 'probe' }), 1);
        const requeued = (await queue.get(id))!;
        assert.equal(requeued.state, 'queued');
        assert.equal(requeued.attempts, 0);
        assert.equal(requeued.finishedAt, null);
        assert.equal((await queue.claim('w', ['probe'], 10_000))?.attempts, 1);

        // Backoff is capped, and jitter stays within ±20 %.
        const capped = new PgJobQueue(t.db, { retryBaseMs: 1000, retryMaxMs: 60_000 });
        for (let i = 0; i < 50; i++) {
          const d = capped.backoffMs(3);
          assert.ok(d >= 6400 && d <= 9600, String(d));
          assert.ok(capped.backoffMs(30) <= 60_000);
        }
      } finally {
        await t.close();
      }
    });

    it('a non-retryable error fails at once; retry({ id }) requeues just that job', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        const a = await queue.enqueue(t.db, spec('bad-payload'));
        const b = await queue.enqueue(t.db, spec('bad-payload-2'));
        for (let i = 0; i < 2; i++) {
          const job = (await queue.claim('w', ['probe'], 10_000))!;
          assert.equal(await queue.fail(job, 'w', 'payload: sha256 missing', { retryable: false }), 'failed');
        }
        assert.equal((await queue.get(a.id))?.attempts, 1);
        assert.equal((await queue.counts()).failed, 2);
        assert.equal(await queue.retry({ id: b.id }), 1);
        assert.equal((await queue.get(a.id))?.state, 'failed');
        assert.equal((await queue.get(b.id))?.state, 'queued');
      } finally {
        await t.close();
      }
    });

    it('an expired lease is re-claimed; the dead worker’s late writes are refused and write nothing', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        const { id } = await queue.enqueue(t.db, spec('probe:x'));
        const dead = (await queue.claim('dead', ['probe'], 400))!;
        assert.equal(await queue.claim('alive', ['probe'], 10_000), null, 'the lease holds');
        await sleep(500);
        const alive = (await queue.claim('alive', ['probe'], 10_000))!;
        assert.equal(alive.id, id);
        assert.equal(alive.attempts, 2);
        assert.match(alive.lastError ?? '', /worker dead lost its lease on attempt 1 of 5/);

        const commit = async (tx: import('../db/db.js').Queryable) => {
          await tx.query('INSERT INTO job_effects (job_id, worker) VALUES ($1, $2)', [id, 'dead']);
        };
        assert.equal(await queue.heartbeat(dead, 'dead', 10_000), false);
        await assert.rejects(queue.complete(dead, 'dead', { status: 'success', commit, next: [spec('next')] }), (e: unknown) => {
          assert.ok(e instanceof LeaseLostError);
          assert.equal(e.code, 'Conflict');
          assert.match(e.message, /now running by alive, attempt 2/);
          return true;
        });
        await assert.rejects(queue.fail(dead, 'dead', 'late'), LeaseLostError);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM job_effects'), 0);
        assert.equal(await count(t.db, 'SELECT count(*) AS n FROM jobs'), 1);
        assert.equal((await queue.get(id))?.lockedBy, 'alive');

        assert.equal(await queue.heartbeat(alive, 'alive', 10_000), true);
        await queue.complete(alive, 'alive', { status: 'success' });
        assert.equal((await queue.get(id))?.state, 'done');

        // A lease that expired but was not taken over can still be completed by its holder.
        const late = await queue.enqueue(t.db, spec('probe:y'));
        const slow = (await queue.claim('slow', ['probe'], 50))!;
        await sleep(100);
        await queue.complete(slow, 'slow', { status: 'success' });
        assert.equal((await queue.get(late.id))?.state, 'done');
      } finally {
        await t.close();
      }
    });

    it('a job whose worker dies on its last attempt fails instead of looping', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        const poison = await queue.enqueue(t.db, spec('poison', { maxAttempts: 1 }));
        const fine = await queue.enqueue(t.db, spec('fine'));
        assert.equal((await queue.claim('w1', ['probe'], 50))?.id, poison.id);
        await sleep(100);
        const next = await queue.claim('w2', ['probe'], 10_000);
        assert.equal(next?.id, fine.id, 'the claim gives up on the poison job and moves on');
        const p = (await queue.get(poison.id))!;
        assert.equal(p.state, 'failed');
        assert.equal(p.lockedBy, null);
        assert.match(p.lastError ?? '', /worker w1 lost its lease on attempt 1 of 1 .*giving up/);
      } finally {
        await t.close();
      }
    });

    it('waitIdle reports progress and times out while work remains', async () => {
      const t = await openJobsTestDb(kind);
      try {
        const queue = new PgJobQueue(t.db);
        await queue.enqueue(t.db, spec('p1'));
        await queue.enqueue(t.db, spec('t1', { name: 'transcode' }));
        const seen: number[] = [];
        const timedOut = await queue.waitIdle(['probe'], { timeoutMs: 60, pollMs: 20, onProgress: (c) => seen.push(c.queued) });
        assert.equal(timedOut.idle, false);
        assert.equal(timedOut.queued, 1);
        assert.ok(seen.length >= 2);
        const job = (await queue.claim('w', ['probe'], 10_000))!;
        setTimeout(() => void queue.complete(job, 'w', { status: 'success' }), 50);
        const idle = await queue.waitIdle(['probe'], { timeoutMs: 5000, pollMs: 10 });
        assert.equal(idle.idle, true);
        assert.equal(idle.done, 1);
        assert.equal((await queue.waitIdle(undefined, { timeoutMs: 0 })).idle, false, 'transcode is still queued');
      } finally {
        await t.close();
      }
    });
  });
}
