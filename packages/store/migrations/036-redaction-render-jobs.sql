-- Redaction renders run as jobs on the queue (ADR 0027): the render request marks the current
-- version 'queued' and names its job; a worker marks it 'rendering' (with a progress fraction) and,
-- in the transaction that completes the job, 'rendered' or 'failed'. The job's key is the source,
-- recipe hash and tool version, so versions and redactions with the same recipe share one render.

ALTER TABLE redactions DROP CONSTRAINT redactions_status_check;
ALTER TABLE redactions ADD CONSTRAINT redactions_status_check
  CHECK (status IN ('draft', 'queued', 'rendering', 'rendered', 'approved', 'rejected', 'failed'));

-- The job rendering (or that rendered) the current version; no foreign key: job rows are the
-- queue's to manage.
ALTER TABLE redactions ADD COLUMN render_job_id bigint;
-- 0..1 while rendering (source seconds done / seconds to render), written by the worker now and then.
ALTER TABLE redactions ADD COLUMN render_progress real CHECK (render_progress IS NULL OR (render_progress >= 0 AND render_progress <= 1));

CREATE INDEX redactions_render_job ON redactions (render_job_id) WHERE render_job_id IS NOT NULL;

-- A render left 'rendering' by the in-request renderer of before (its process died) has no job to
-- finish it: it failed; rendering it again queues a job.
UPDATE redactions SET status = 'failed', failure = 'the render was interrupted (the process rendering it stopped): render it again', updated_at = now()
  WHERE status = 'rendering';
