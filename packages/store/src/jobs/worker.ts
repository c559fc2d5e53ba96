import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { invalid } from '@custodia/core';
import { LeaseLostError } from './job.errors.js';
import type { Job, JobHandler, JobOutcome } from './job.types.js';
import type { PgJobQueue } from './pg-job.queue.js';

export interface WorkerOptions {
  queue: PgJobQueue;
  handlers: Record<string, JobHandler>;
  /** Names this worker claims (default: every name in `handlers`); each needs a handler. */
  names?: string[];
  /** Unique per process, e.g. `defaultWorkerId()`; written to the job row while it runs. */
  workerId: string;
  /** Jobs run at the same time in this process (default 1). */
  concurrency?: number;
  /** A claim lasts this long unless extended; the worker extends it every leaseMs/3 (default 60 s). */
  leaseMs?: number;
  /** Pause between claims when no job is due (default 500 ms). */
  pollMs?: number;
  log?: (event: WorkerEvent) => void;
}

export type WorkerEventType =
  | 'worker-started'
  | 'worker-stopped'
  | 'job-started'
  | 'job-succeeded'
  | 'job-skipped'
  | 'job-retrying'
  | 'job-failed'
  | 'lease-lost'
  | 'claim-error'
  | 'heartbeat-error'
  | 'fail-error'
  | 'worker-error'
  | 'vacuumed'
  | 'vacuum-error';

/** Structured and flat, for pino. Never carries payloads (they may name sources or places). */
export interface WorkerEvent {
  event: WorkerEventType;
  workerId: string;
  jobId?: number;
  name?: string;
  attempt?: number;
  ms?: number;
  error?: string;
}

export interface WorkerSummary {
  succeeded: number;
  skipped: number;
  retrying: number;
  failed: number;
  /** Jobs whose lease this worker lost (another worker owns them now). */
  leaseLost: number;
}

/** `host:pid:random`: tells an operator where a running job is. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Runs jobs from a PgJobQueue: claims up to `concurrency` at a time, keeps their leases alive while
 * handlers run, completes or fails them. A handler's error never escapes (it becomes the job's
 * failure); a database error leaves the job to be re-claimed when its lease expires, so no job is
 * lost. Refuses to be built for a job name it has no handler for.
 */
export class Worker {
  private readonly queue: PgJobQueue;
  private readonly handlers: Record<string, JobHandler>;
  private readonly names: string[];
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly logFn: ((event: WorkerEvent) => void) | undefined;
  private stopping: AbortController | null = null;
  private loops: Promise<void> | null = null;
  private summary: WorkerSummary = emptySummary();
  private finishedSinceVacuum = 0;
  private vacuuming = false;

  constructor(opts: WorkerOptions) {
    this.queue = opts.queue;
    this.handlers = opts.handlers;
    this.names = [...new Set(opts.names ?? Object.keys(opts.handlers))];
    this.workerId = opts.workerId;
    this.concurrency = opts.concurrency ?? 1;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 500;
    this.logFn = opts.log;
    if (!this.workerId) throw invalid('a worker needs a workerId');
    if (this.names.length === 0) throw invalid('a worker needs at least one job name to run');
    const missing = this.names.filter((n) => !Object.hasOwn(this.handlers, n) || typeof this.handlers[n] !== 'function');
    if (missing.length > 0) {
      throw invalid(`no handler for job name${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: refusing to start a worker that would claim them`, {
        missing,
      });
    }
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw invalid(`concurrency must be a positive integer, not ${this.concurrency}`);
    if (!(this.leaseMs >= 30)) throw invalid(`leaseMs must be at least 30, not ${this.leaseMs}`);
    if (!(this.pollMs > 0)) throw invalid(`pollMs must be positive, not ${this.pollMs}`);
  }

  get running(): boolean {
    return this.loops !== null;
  }

  /** Starts claiming in the background until `stop()`. */
  start(): void {
    if (this.loops) throw new Error(`worker ${this.workerId} is already running`);
    const stopping = new AbortController();
    this.stopping = stopping;
    this.summary = emptySummary();
    this.log({ event: 'worker-started', workerId: this.workerId });
    this.loops = Promise.all(Array.from({ length: this.concurrency }, () => this.supervise(stopping.signal))).then(() => {});
  }

  /** Stops claiming and waits for the running jobs to finish; returns what this run did. */
  async stop(): Promise<WorkerSummary> {
    const loops = this.loops;
    if (!loops) return this.summary;
    this.stopping?.abort();
    await loops;
    this.loops = null;
    this.stopping = null;
    this.log({ event: 'worker-stopped', workerId: this.workerId });
    return this.summary;
  }

  /**
   * Runs jobs until none is due (jobs waiting out a retry backoff are left), for tests and the
   * embedded mode. Rejects if the database cannot be reached; handler errors only fail their jobs.
   */
  async runUntilIdle(): Promise<WorkerSummary> {
    if (this.loops) throw new Error(`worker ${this.workerId} is already running`);
    const stopping = new AbortController();
    this.stopping = stopping;
    this.summary = emptySummary();
    this.loops = Promise.allSettled(
      Array.from({ length: this.concurrency }, () =>
        this.loop(stopping.signal, true).catch((e: unknown) => {
          stopping.abort(); // the other slots finish their current job and stop
          throw e;
        }),
      ),
    ).then((results) => {
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (rejected) throw rejected.reason;
    });
    try {
      await this.loops;
      return this.summary;
    } finally {
      this.loops = null;
      this.stopping = null;
    }
  }

  /** A slot of a started worker: whatever goes wrong, it logs, pauses and goes on until stopped. */
  private async supervise(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        await this.loop(stop, false);
      } catch (e) {
        this.log({ event: 'worker-error', workerId: this.workerId, error: message(e) });
        await this.pause(this.pollMs, stop);
      }
    }
  }

  private async loop(stop: AbortSignal, untilIdle: boolean): Promise<void> {
    let errors = 0;
    while (!stop.aborted) {
      let job: Job | null;
      try {
        job = await this.queue.claim(this.workerId, this.names, this.leaseMs);
        errors = 0;
      } catch (e) {
        if (untilIdle) throw e;
        errors++;
        this.log({ event: 'claim-error', workerId: this.workerId, error: message(e) });
        // The database may be restarting: back off, up to 30 s, and keep going.
        await this.pause(Math.min(30_000, this.pollMs * 2 ** Math.min(errors, 10)), stop);
        continue;
      }
      if (job) {
        await this.run(job);
        this.finishedSinceVacuum++;
        continue;
      }
      await this.vacuumIfDue();
      if (untilIdle) return;
      await this.pause(this.pollMs * (0.75 + Math.random() / 2), stop);
    }
  }

  private async run(job: Job): Promise<void> {
    const started = Date.now();
    const base = { workerId: this.workerId, jobId: job.id, name: job.name, attempt: job.attempts };
    this.log({ event: 'job-started', ...base });
    const lease = new AbortController();
    const lost = () => {
      if (!lease.signal.aborted) lease.abort(new LeaseLostError(job.id, this.workerId));
    };
    let beating: Promise<void> | null = null;
    const beat = async (): Promise<void> => {
      if (lease.signal.aborted) throw lease.signal.reason;
      if (!(await this.queue.heartbeat(job, this.workerId, this.leaseMs))) {
        lost();
        throw lease.signal.reason;
      }
    };
    const timer = setInterval(() => {
      if (beating || lease.signal.aborted) return;
      beating = beat()
        .catch((e) => {
          // A database hiccup: try again at the next beat; the lease outlives two missed beats.
          if (!(e instanceof LeaseLostError)) this.log({ event: 'heartbeat-error', ...base, error: message(e) });
        })
        .finally(() => {
          beating = null;
        });
    }, Math.max(10, Math.floor(this.leaseMs / 3)));

    let outcome: JobOutcome | undefined;
    let failure: unknown;
    try {
      const handler = this.handlers[job.name]!;
      // Call inside a promise so that a handler that throws synchronously is caught too.
      outcome = await Promise.resolve().then(() => handler(job, { signal: lease.signal, heartbeat: beat }));
      if (!outcome || (outcome.status !== 'success' && outcome.status !== 'skipped')) {
        throw Object.assign(new Error(`handler for ${job.name} returned ${describe(outcome)}, not { status: 'success' | 'skipped' }`), {
          retryable: false,
        });
      }
    } catch (e) {
      failure = e;
    } finally {
      clearInterval(timer);
      await beating;
    }

    if (lease.signal.aborted) {
      // Another worker may be running the job now: write nothing.
      this.summary.leaseLost++;
      this.log({ event: 'lease-lost', ...base, ms: Date.now() - started });
      return;
    }
    if (failure === undefined && outcome) {
      try {
        await this.queue.complete(job, this.workerId, outcome);
        this.summary[outcome.status === 'success' ? 'succeeded' : 'skipped']++;
        this.log({ event: outcome.status === 'success' ? 'job-succeeded' : 'job-skipped', ...base, ms: Date.now() - started });
        return;
      } catch (e) {
        if (e instanceof LeaseLostError) {
          this.summary.leaseLost++;
          this.log({ event: 'lease-lost', ...base, ms: Date.now() - started, error: e.message });
          return;
        }
        failure = e; // commit threw (or the database did): nothing was written; fail the attempt
      }
    }
    const retryable = (failure as { retryable?: unknown } | null)?.retryable !== false;
    try {
      const state = await this.queue.fail(job, this.workerId, message(failure), { retryable });
      this.summary[state]++;
      this.log({ event: state === 'retrying' ? 'job-retrying' : 'job-failed', ...base, ms: Date.now() - started, error: message(failure) });
    } catch (e) {
      if (e instanceof LeaseLostError) {
        this.summary.leaseLost++;
        this.log({ event: 'lease-lost', ...base, ms: Date.now() - started, error: e.message });
      } else {
        // The database is unreachable: the lease will expire and the job will be claimed again.
        this.log({ event: 'fail-error', ...base, error: `${message(e)} (while recording: ${message(failure)})` });
      }
    }
  }

  /** PGlite has no autovacuum: when out of work after many jobs, vacuum the jobs table. */
  private async vacuumIfDue(): Promise<void> {
    if (this.queue.db.kind !== 'pglite' || this.vacuuming || this.finishedSinceVacuum < VACUUM_EVERY) return;
    this.vacuuming = true;
    const started = Date.now();
    try {
      await this.queue.vacuum();
      this.finishedSinceVacuum = 0;
      this.log({ event: 'vacuumed', workerId: this.workerId, ms: Date.now() - started });
    } catch (e) {
      this.finishedSinceVacuum = 0; // try again after as many jobs, not at every idle poll
      this.log({ event: 'vacuum-error', workerId: this.workerId, error: message(e) });
    } finally {
      this.vacuuming = false;
    }
  }

  private async pause(ms: number, stop: AbortSignal): Promise<void> {
    await sleep(ms, undefined, { signal: stop }).catch(() => {});
  }

  private log(event: WorkerEvent): void {
    try {
      this.logFn?.(event);
    } catch {
      // a broken logger must not stop the jobs
    }
  }
}

/** Jobs finished between two vacuums of the jobs table on PGlite. */
const VACUUM_EVERY = 1000;

function emptySummary(): WorkerSummary {
  return { succeeded: 0, skipped: 0, retrying: 0, failed: 0, leaseLost: 0 };
}

function message(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  try {
    return JSON.stringify(v).slice(0, 200);
  } catch {
    return typeof v;
  }
}
