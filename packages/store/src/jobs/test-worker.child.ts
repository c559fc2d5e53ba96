// A worker process for the multi-process tests (worker.processes.test.ts): runs `work` jobs against
// a PostgreSQL database until told to stop. Driven over IPC: sends `ready`, waits for `go`, forwards
// worker events, stops on `stop`.
//
// Each run logs itself in job_runs (outside the job's transaction: what was executed) and, in the
// completion transaction, writes job_effects (unique job_id, no ON CONFLICT: what was committed).
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresDb } from '../db/postgres.db.js';
import { PgJobQueue } from './pg-job.queue.js';
import { Worker } from './worker.js';

interface ChildConfig {
  url: string;
  workerId: string;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  /** How long each handler takes (ms). */
  sleepMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const send = (m: unknown) => process.send?.(m);

const db = await PostgresDb.open(config.url, { max: config.concurrency + 2 });
const queue = new PgJobQueue(db);
const worker = new Worker({
  queue,
  workerId: config.workerId,
  concurrency: config.concurrency,
  leaseMs: config.leaseMs,
  pollMs: config.pollMs,
  log: (e) => send({ type: 'event', event: e }),
  handlers: {
    work: async (job, ctx) => {
      await db.query('INSERT INTO job_runs (job_id, worker) VALUES ($1, $2)', [job.id, config.workerId]);
      if (config.sleepMs > 0) await sleep(config.sleepMs, undefined, { signal: ctx.signal });
      return {
        status: 'success',
        result: { by: config.workerId },
        commit: async (tx) => {
          await tx.query('INSERT INTO job_effects (job_id, worker) VALUES ($1, $2)', [job.id, config.workerId]);
        },
      };
    },
  },
});

process.on('message', (m: { type?: string }) => {
  if (m.type === 'go') worker.start();
  if (m.type === 'stop') {
    void worker.stop().then(async (summary) => {
      send({ type: 'stopped', summary });
      await db.close();
      process.disconnect?.();
    });
  }
});
send({ type: 'ready' });
