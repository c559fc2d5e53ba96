import { setTimeout as sleep } from 'node:timers/promises';
import { conflict } from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import { LeaseLostError } from './job.errors.js';
import { CLAIM_SQL } from './pg-job.sql.js';
import {
  JOB_STATES,
  type EnqueueResult,
  type Job,
  type JobCounts,
  type JobFailure,
  type JobOutcome,
  type JobSpec,
  type JobStat,
  type JobState,
} from './job.types.js';

export interface PgJobQueueOptions {
  /** First retry delay is about 2 × this, then doubling (default 1000 ms: 2 s, 4 s, 8 s, …). */
  retryBaseMs?: number;
  /** Cap on one retry delay (default 1 h). */
  retryMaxMs?: number;
  /** Jitter source in [0, 1) (tests pass a constant). */
  random?: () => number;
}

export interface WaitIdleOptions {
  /** Give up after this long and return `idle: false` (default: wait for ever). */
  timeoutMs?: number;
  pollMs?: number;
  onProgress?: (counts: JobCounts) => void;
  signal?: AbortSignal;
}

const MAX_ERROR_CHARS = 8000;

interface JobRow {
  id: number;
  name: string;
  key: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_after: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  result: unknown;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/**
 * A job queue on one PostgreSQL table (PGlite or a server), shared by any number of worker
 * processes: claims use `FOR UPDATE SKIP LOCKED`, a claim is a lease that a live worker extends,
 * and every write after the claim is fenced by (locked_by, attempts) so that a worker whose lease
 * expired cannot also finish a job another worker has taken over. All times are the database's.
 */
export class PgJobQueue {
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly random: () => number;

  constructor(
    readonly db: Db,
    opts: PgJobQueueOptions = {},
  ) {
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 3_600_000;
    this.random = opts.random ?? Math.random;
  }

  /**
   * Adds a job unless one with the same key exists (in any state). Pass the caller's transaction to
   * enqueue atomically with the record that needs the job (e.g. ingest's item).
   */
  async enqueue(q: Queryable, spec: JobSpec): Promise<EnqueueResult> {
    const ins = await q.query<{ id: number }>(
      `INSERT INTO jobs (name, key, payload, max_attempts, run_after)
       VALUES ($1, $2, $3::jsonb, COALESCE($4::integer, 5), COALESCE($5::timestamptz, now()))
       ON CONFLICT (key) DO NOTHING
       RETURNING id`,
      [spec.name, spec.key, JSON.stringify(spec.payload ?? null), spec.maxAttempts ?? null, spec.runAfter ?? null],
    );
    const created = ins.rows[0];
    if (created) return { id: created.id, created: true };
    // The key exists (committed, or committed by the transaction the INSERT waited for).
    const r = await q.query<{ id: number; name: string }>('SELECT id, name FROM jobs WHERE key = $1', [spec.key]);
    const existing = r.rows[0];
    if (!existing) throw new Error(`job key ${spec.key} conflicted but no job has it`);
    if (existing.name !== spec.name) {
      throw conflict(`job key ${spec.key} already belongs to a ${existing.name} job, not ${spec.name}`, {
        key: spec.key,
        id: existing.id,
      });
    }
    return { id: existing.id, created: false };
  }

  /**
   * Takes the next due job among `names` (queued and due, or running with an expired lease: its
   * worker died) and leases it to `workerId` for `leaseMs`, in (run_after, id) order. One statement
   * (CLAIM_SQL). A job whose lease expired on its last attempt is marked failed instead (a job that
   * kills its worker must not loop), and the claim moves on to the next one.
   */
  async claim(workerId: string, names: string[], leaseMs: number): Promise<Job | null> {
    for (;;) {
      const r = await this.db.query<JobRow>(CLAIM_SQL, [[...new Set(names)], workerId, leaseMs]);
      const row = r.rows[0];
      if (!row) return null;
      if (row.state === 'running') return toJob(row);
      // Gave up on a job whose worker died on its last attempt: look for another one.
    }
  }

  /**
   * Ends now the leases held by workers known to be dead (e.g. a killed process on this machine),
   * so their jobs are claimed again at once instead of when the lease runs out. The claim that
   * follows counts as a new attempt, as after any lost lease.
   */
  async expireLeases(workerIds: string[]): Promise<number> {
    if (workerIds.length === 0) return 0;
    const r = await this.db.query<{ id: number }>(
      `UPDATE jobs SET locked_until = now() - interval '1 millisecond', updated_at = now()
       WHERE state = 'running' AND locked_by = ANY($1) RETURNING id`,
      [workerIds],
    );
    return r.rows.length;
  }

  /** Workers holding running jobs (for finding dead ones). */
  async lockHolders(): Promise<string[]> {
    const r = await this.db.query<{ locked_by: string }>("SELECT DISTINCT locked_by FROM jobs WHERE state = 'running' AND locked_by IS NOT NULL");
    return r.rows.map((x) => x.locked_by);
  }

  /** Extends the lease; false if the job is no longer this claim's (expired and taken, or finished). */
  async heartbeat(job: Job, workerId: string, leaseMs: number): Promise<boolean> {
    const r = await this.db.query<{ id: number }>(
      `UPDATE jobs SET locked_until = now() + $4::double precision * interval '1 millisecond', updated_at = now()
       WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3
       RETURNING id`,
      [job.id, workerId, job.attempts, leaseMs],
    );
    return r.rows.length > 0;
  }

  /**
   * Finishes a claimed job in one transaction: checks (and locks) that the claim still holds, runs
   * `commit(tx)` (the handler's rows and ledger entry), marks the job done or skipped, enqueues
   * `next`. If the claim was lost, throws LeaseLostError and writes nothing; if `commit` throws,
   * nothing is written and the error propagates (the caller then fails the job).
   */
  async complete(job: Job, workerId: string, outcome: JobOutcome): Promise<void> {
    if (outcome.status !== 'success' && outcome.status !== 'skipped') {
      throw new TypeError(`a job outcome's status must be success or skipped, not ${String(outcome.status)}`);
    }
    await this.db.transaction(async (tx) => {
      // Marking first takes the row lock and checks the fence in one round trip; nobody sees the
      // new state before commit, and a throw below rolls it back with everything else.
      const r = await tx.query<{ id: number }>(
        `UPDATE jobs SET state = $4, result = $5::jsonb, locked_by = NULL, locked_until = NULL,
                         finished_at = now(), updated_at = now()
         WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3
         RETURNING id`,
        [
          job.id,
          workerId,
          job.attempts,
          outcome.status === 'success' ? 'done' : 'skipped',
          outcome.result === undefined ? null : JSON.stringify(outcome.result),
        ],
      );
      if (r.rows.length === 0) throw await this.leaseLost(tx, job, workerId);
      if (outcome.commit) await outcome.commit(tx);
      for (const spec of outcome.next ?? []) await this.enqueue(tx, spec);
    });
  }

  /**
   * Records a failed attempt: requeued after an exponential backoff (about 2^attempts × retryBaseMs,
   * ±20 %, capped) while attempts remain and the error is retryable, else `failed` for good with
   * the error kept. Throws LeaseLostError if the claim was lost.
   */
  async fail(job: Job, workerId: string, error: string, opts: { retryable?: boolean } = {}): Promise<'retrying' | 'failed'> {
    const retry = (opts.retryable ?? true) && job.attempts < job.maxAttempts;
    const r = await this.db.query<{ state: JobState }>(
      `UPDATE jobs SET
         state = $4, last_error = $5, locked_by = NULL, locked_until = NULL, updated_at = now(),
         run_after   = CASE WHEN $4 = 'queued' THEN now() + $6::double precision * interval '1 millisecond' ELSE run_after END,
         finished_at = CASE WHEN $4 = 'failed' THEN now() END
       WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3
       RETURNING state`,
      [job.id, workerId, job.attempts, retry ? 'queued' : 'failed', truncate(error), retry ? this.backoffMs(job.attempts) : 0],
    );
    if (r.rows.length === 0) throw await this.leaseLost(this.db, job, workerId);
    return retry ? 'retrying' : 'failed';
  }

  /** Delay before the next attempt after `attempts` claims. */
  backoffMs(attempts: number): number {
    const nominal = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(attempts, 40));
    return Math.round(Math.min(this.retryMaxMs, nominal * (0.8 + 0.4 * this.random())));
  }

  /** Requeues failed jobs (all, one name, or one id) with their attempts reset; returns how many. */
  async retry(filter: { name?: string; id?: number } = {}): Promise<number> {
    const r = await this.db.query<{ id: number }>(
      `UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), finished_at = NULL, updated_at = now()
       WHERE state = 'failed' AND ($1::text IS NULL OR name = $1) AND ($2::bigint IS NULL OR id = $2)
       RETURNING id`,
      [filter.name ?? null, filter.id ?? null],
    );
    return r.rows.length;
  }

  async get(id: number): Promise<Job | null> {
    const r = await this.db.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return r.rows[0] ? toJob(r.rows[0]) : null;
  }

  /** Job counts by name and state. */
  async stats(): Promise<JobStat[]> {
    const r = await this.db.query<{ name: string; state: JobState; count: number }>(
      'SELECT name, state, count(*) AS count FROM jobs GROUP BY name, state ORDER BY name, state',
    );
    return r.rows.map((x) => ({ name: x.name, state: x.state, count: Number(x.count) }));
  }

  /** The most recent failures, newest first. */
  async failures(limit = 50): Promise<JobFailure[]> {
    const r = await this.db.query<{ id: number; name: string; key: string; attempts: number; last_error: string | null; finished_at: Date }>(
      `SELECT id, name, key, attempts, last_error, finished_at FROM jobs WHERE state = 'failed'
       ORDER BY finished_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return r.rows.map((x) => ({ id: x.id, name: x.name, key: x.key, attempts: x.attempts, lastError: x.last_error, finishedAt: x.finished_at }));
  }

  /** Counts by state, of all jobs or of those with the given names. */
  async counts(names?: string[]): Promise<JobCounts> {
    const r = await this.db.query<{ state: JobState; count: number }>(
      'SELECT state, count(*) AS count FROM jobs WHERE $1::text[] IS NULL OR name = ANY($1::text[]) GROUP BY state',
      [names ?? null],
    );
    const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as JobCounts;
    for (const x of r.rows) out[x.state] = Number(x.count);
    return out;
  }

  /**
   * Waits until no job (of `names`) is queued or running, retries waiting out their backoff
   * included, for a CLI `--wait`. Returns the final counts; `idle` is false after a timeout.
   */
  async waitIdle(names?: string[], opts: WaitIdleOptions = {}): Promise<JobCounts & { idle: boolean }> {
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    const pollMs = opts.pollMs ?? 500;
    for (;;) {
      const c = await this.counts(names);
      opts.onProgress?.(c);
      const idle = c.queued === 0 && c.running === 0;
      if (idle || Date.now() >= deadline || opts.signal?.aborted) return { ...c, idle };
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), undefined, { signal: opts.signal }).catch(() => {});
    }
  }

  /**
   * Reclaims the space of finished jobs' old row versions and refreshes the planner's statistics.
   * A PostgreSQL server's autovacuum does this by itself; PGlite has none, so the worker calls this
   * there when it runs out of work after many jobs.
   */
  async vacuum(): Promise<void> {
    await this.db.exec('VACUUM (ANALYZE) jobs');
  }

  private async leaseLost(q: Queryable, job: Job, workerId: string): Promise<LeaseLostError> {
    const r = await q.query<{ state: string; locked_by: string | null; attempts: number }>(
      'SELECT state, locked_by, attempts FROM jobs WHERE id = $1',
      [job.id],
    );
    const row = r.rows[0];
    return new LeaseLostError(job.id, workerId, row ? { state: row.state, lockedBy: row.locked_by, attempts: row.attempts } : null);
  }
}

function toJob(r: JobRow): Job {
  return {
    id: r.id,
    name: r.name,
    key: r.key,
    payload: r.payload,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAfter: r.run_after,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    result: r.result,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function truncate(s: string): string {
  return s.length <= MAX_ERROR_CHARS ? s : `${s.slice(0, MAX_ERROR_CHARS)}… (${s.length - MAX_ERROR_CHARS} more characters)`;
}
