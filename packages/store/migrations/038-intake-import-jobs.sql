-- Imports of intake submissions started from the web app, kept so their status survives a restart.
-- A job still "running" whose process is gone is shown as interrupted; importing the submission
-- again resumes the same acquisition (ADR 0015). Never a key: the identity is not part of a job.

CREATE TABLE intake_import_jobs (
  id             text PRIMARY KEY CHECK (id ~ '^imp-[0-9a-f]{16}$'),
  submission_id  text NOT NULL,
  case_id        bigint NOT NULL REFERENCES cases(id),
  case_name      text NOT NULL,
  actor          text NOT NULL,
  again          boolean NOT NULL DEFAULT false,
  state          text NOT NULL CHECK (state IN ('running', 'done', 'failed', 'interrupted')),
  -- The process running it: "<host> <pid> <start token>"; with heartbeat_at, how a dead one is told apart.
  runner         text NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  progress       jsonb NOT NULL DEFAULT '{}',
  result         jsonb,
  error          text
);
CREATE INDEX intake_import_jobs_started ON intake_import_jobs (started_at DESC);
CREATE INDEX intake_import_jobs_running ON intake_import_jobs (submission_id) WHERE state = 'running';
