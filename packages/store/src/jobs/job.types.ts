import type { Queryable } from '../db/db.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'skipped'];

/** What to enqueue. `key` makes it idempotent: a second enqueue with the same key does nothing. */
export interface JobSpec {
  name: string;
  /** Unique across all jobs, e.g. `probe:<sha256>:ffprobe-5.1` (the tool version makes a re-run after an upgrade a new job). */
  key: string;
  /** Stored as jsonb; the handler validates it (zod). */
  payload: unknown;
  /** Claims allowed before the job fails for good (default 5). */
  maxAttempts?: number;
  /** Not before this time (default: now, by the database's clock). */
  runAfter?: Date;
}

export interface EnqueueResult {
  id: number;
  /** False when a job with this key already existed (whatever its state). */
  created: boolean;
}

export interface Job {
  id: number;
  name: string;
  key: string;
  payload: unknown;
  state: JobState;
  /** Claims so far, the current one included: with `lockedBy`, the fencing token of a claim. */
  attempts: number;
  maxAttempts: number;
  runAfter: Date;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** How a handler's run ended when it did not throw. */
export interface JobOutcome {
  status: 'success' | 'skipped';
  /** Kept on the job row (jsonb); small summaries only, evidence goes to its own tables via `commit`. */
  result?: unknown;
  /** Follow-up jobs, enqueued in the same transaction that marks this one done. */
  next?: JobSpec[];
  /**
   * Writes the handler's results (rows, ledger entry) in the transaction that marks the job done:
   * they exist if and only if the job is done. Use only `tx` in here: on PGlite (one connection)
   * a query on the database itself would wait for this transaction forever.
   */
  commit?: (tx: Queryable) => Promise<void>;
}

export interface JobContext {
  /** Aborted when the worker lost the lease (another worker may now run the job): stop, write nothing. */
  signal: AbortSignal;
  /** Extends the lease now (the worker also does so every leaseMs/3); throws LeaseLostError if the job is no longer ours. */
  heartbeat: () => Promise<void>;
}

/**
 * Runs one job. Must be idempotent (a job can run again after a crash). Returns success or skipped;
 * throws to fail: the job is retried with backoff unless the error has `retryable: false`.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<JobOutcome>;

export interface JobStat {
  name: string;
  state: JobState;
  count: number;
}

export interface JobFailure {
  id: number;
  name: string;
  key: string;
  attempts: number;
  lastError: string | null;
  finishedAt: Date;
}

export type JobCounts = Record<JobState, number>;
