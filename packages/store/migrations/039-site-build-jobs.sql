-- Public site builds run as jobs on the queue (ADR 0029): the request records a 'queued' build and
-- names its job; a worker marks it 'running' (with its progress), builds it into a temporary folder
-- and, in the transaction that completes the job, records the ledger entry, marks it 'done' and
-- renames the folder and zip into place. A failed build keeps its reason and leaves no folder.

ALTER TABLE site_builds ADD COLUMN state text NOT NULL DEFAULT 'done'
  CHECK (state IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE site_builds ALTER COLUMN state DROP DEFAULT;
-- The job building it; no foreign key: job rows are the queue's to manage.
ALTER TABLE site_builds ADD COLUMN job_id bigint;
-- {"phase": "videos" | "pages" | "zip", "done": n, "total": n}, written by the worker now and then.
ALTER TABLE site_builds ADD COLUMN progress jsonb;
ALTER TABLE site_builds ADD COLUMN failure text;
ALTER TABLE site_builds ADD COLUMN requested_at timestamptz NOT NULL DEFAULT now();
UPDATE site_builds SET requested_at = built_at;
-- Known once the build is done.
ALTER TABLE site_builds ALTER COLUMN incidents DROP NOT NULL;
ALTER TABLE site_builds ALTER COLUMN videos DROP NOT NULL;
ALTER TABLE site_builds ALTER COLUMN ledger_seq DROP NOT NULL;
ALTER TABLE site_builds ALTER COLUMN built_at DROP NOT NULL;
ALTER TABLE site_builds ALTER COLUMN built_at DROP DEFAULT;
ALTER TABLE site_builds ADD CONSTRAINT site_builds_done_check
  CHECK (state <> 'done' OR (incidents IS NOT NULL AND videos IS NOT NULL AND ledger_seq IS NOT NULL AND built_at IS NOT NULL));

-- One build of a case on its way at a time: asking again while it is queued or running gets that one.
CREATE UNIQUE INDEX site_builds_one_active ON site_builds (case_id) WHERE state IN ('queued', 'running');
CREATE INDEX site_builds_job ON site_builds (job_id) WHERE job_id IS NOT NULL;
