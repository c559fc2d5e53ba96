import { DomainError } from '@custodia/core';

/**
 * The job is no longer this worker's: its lease expired and another worker claimed it (or it was
 * finished, failed or requeued meanwhile). Whatever this worker computed must not be written.
 */
export class LeaseLostError extends DomainError {
  /** `holder`: the job row as found now; null if it was deleted; omitted if not looked up. */
  constructor(
    readonly jobId: number,
    readonly workerId: string,
    holder?: { state: string; lockedBy: string | null; attempts: number } | null,
  ) {
    super(
      'Conflict',
      holder
        ? `job ${jobId} is no longer held by ${workerId} (now ${holder.state}${holder.lockedBy ? ` by ${holder.lockedBy}` : ''}, attempt ${holder.attempts})`
        : holder === null
          ? `job ${jobId} no longer exists`
          : `job ${jobId} is no longer held by ${workerId} (its lease expired and another worker took it, or it was finished or requeued)`,
      { jobId, workerId, ...(holder ?? {}) },
    );
    this.name = 'LeaseLostError';
  }
}

/** Throw from a handler to fail the job at once, without retries (e.g. its payload is invalid). */
export class PermanentJobError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export function isLeaseLost(e: unknown): e is LeaseLostError {
  return e instanceof LeaseLostError;
}
