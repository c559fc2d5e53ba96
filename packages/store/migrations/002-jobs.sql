-- The job queue: one row per job, claimed with FOR UPDATE SKIP LOCKED (see docs/adr/0005).
-- Job rows change as they run, so there is no append-only trigger here; evidence a job produces
-- (probe results, proxies, the ledger entry) is written to its own tables in the transaction that
-- marks the job done.

CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- What makes enqueue idempotent, e.g. `probe:<sha256>:ffprobe-5.1`.
  key           text NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 1000),
  payload       jsonb NOT NULL,
  state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed', 'skipped')),
  -- Claims so far, including the current one; a claim whose lease expired counts too.
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 1000),
  run_after     timestamptz NOT NULL DEFAULT now(),
  -- The lease: who runs the job and until when; a lease that expired means the worker died.
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  result        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  CONSTRAINT jobs_lease_iff_running CHECK ((state = 'running') = (locked_by IS NOT NULL AND locked_until IS NOT NULL)),
  CONSTRAINT jobs_finished_iff_final CHECK ((state IN ('done', 'failed', 'skipped')) = (finished_at IS NOT NULL))
);

-- The claim walks each requested name's pending jobs in (run_after, id) order and stops at the
-- first one it can lock: an ordered index scan whatever the table's statistics say (a bitmap scan
-- and a sort of the whole backlog per claim would make a burst of N jobs cost O(N²)). Finished jobs
-- are not in the index, so it stays as small as the backlog.
CREATE INDEX jobs_pending ON jobs (name, run_after, id) WHERE state IN ('queued', 'running');

-- `jobs failures` and `jobs retry` look at failed jobs only.
CREATE INDEX jobs_failed ON jobs (name, finished_at) WHERE state = 'failed';
