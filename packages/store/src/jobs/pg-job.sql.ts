// The queue's statements that carry its concurrency argument; internal (not re-exported), shared
// with the tests that check their plans.

/**
 * Claims one job: the earliest due job among the heads of each requested name (queued and due, or
 * running with an expired lease), locked with SKIP LOCKED so concurrent claimers never wait for
 * or take the same row. Per name, the lateral subquery is an ordered scan of `jobs_pending` that
 * stops at the first lockable row, however large the backlog and whatever the table statistics
 * say. The scalar subquery runs once (an InitPlan), so exactly one row is updated.
 *
 * Column references in SET are the row's values before the update: `state = 'running'` there means
 * the lease expired; on the last attempt the job is failed instead of claimed (a job that kills its
 * worker must not loop), and the caller claims again.
 *
 * $1 names text[], $2 worker id, $3 lease in ms.
 */
export const CLAIM_SQL = `
UPDATE jobs SET
  state        = CASE WHEN state = 'running' AND attempts >= max_attempts THEN 'failed' ELSE 'running' END,
  attempts     = CASE WHEN state = 'running' AND attempts >= max_attempts THEN attempts ELSE attempts + 1 END,
  locked_by    = CASE WHEN state = 'running' AND attempts >= max_attempts THEN NULL ELSE $2 END,
  locked_until = CASE WHEN state = 'running' AND attempts >= max_attempts THEN NULL
                      ELSE now() + $3::double precision * interval '1 millisecond' END,
  finished_at  = CASE WHEN state = 'running' AND attempts >= max_attempts THEN now() END,
  last_error   = CASE WHEN state = 'running'
                 THEN 'worker ' || locked_by || ' lost its lease on attempt ' || attempts || ' of ' || max_attempts
                      || ' (it crashed, was killed or stalled)'
                      || CASE WHEN attempts >= max_attempts THEN '; giving up' ELSE '' END
                 ELSE last_error END,
  updated_at   = now()
WHERE id = (
  SELECT head.id
  FROM unnest($1::text[]) AS wanted(name)
  CROSS JOIN LATERAL (
    SELECT id, run_after FROM jobs
    WHERE jobs.name = wanted.name
      AND state IN ('queued', 'running')
      AND ((state = 'queued' AND run_after <= now()) OR (state = 'running' AND locked_until < now()))
    ORDER BY run_after, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  ) AS head
  ORDER BY head.run_after, head.id
  LIMIT 1
)
RETURNING *`;
