import {
  conflict,
  notFound,
  type DetectedFace,
  type FaceDetectionsSource,
  type LedgerNote,
  type Redaction,
  type RedactionRecipe,
  type RedactionRenderJob,
  type RedactionRenderJobSpec,
  type RedactionRepo,
  REDACTION_RENDER_JOB,
  type RedactionStatus,
  type RenderedOutput,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import { PgJobQueue } from '../jobs/pg-job.queue.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface RedactionRow {
  id: number;
  case_id: number;
  item_id: number;
  source_sha256: string;
  title: string;
  recipe: RedactionRecipe;
  recipe_sha256: string;
  version: number;
  status: RedactionStatus;
  failure: string | null;
  output_sha256: string | null;
  output_facts: Record<string, unknown> | null;
  render_ledger_seq: string | number | null;
  created_by: number;
  created_by_name: string;
  rendered_by: number | null;
  rendered_by_name: string | null;
  rendered_at: Date | null;
  reviewed_by: number | null;
  reviewed_by_name: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  authors: (string | number)[] | null;
  created_at: Date;
  updated_at: Date;
  render_job_id: string | number | null;
  render_progress: number | null;
  job_state: RedactionRenderJob['state'] | null;
  job_attempts: number | null;
  job_max_attempts: number | null;
  job_last_error: string | null;
  job_run_after: Date | null;
}

const SELECT = `SELECT r.*, cu.username AS created_by_name, ru.username AS rendered_by_name, vu.username AS reviewed_by_name,
    (SELECT array_agg(DISTINCT v.author) FROM redaction_versions v WHERE v.redaction_id = r.id) AS authors,
    j.state AS job_state, j.attempts AS job_attempts, j.max_attempts AS job_max_attempts, j.last_error AS job_last_error, j.run_after AS job_run_after
  FROM redactions r JOIN users cu ON cu.id = r.created_by LEFT JOIN users ru ON ru.id = r.rendered_by LEFT JOIN users vu ON vu.id = r.reviewed_by
    LEFT JOIN jobs j ON j.id = r.render_job_id`;

/** Queued or rendering, but its job gave up (e.g. its worker died on every attempt): failed, with the job's reason. */
const jobGaveUp = (r: RedactionRow): boolean => (r.status === 'queued' || r.status === 'rendering') && r.job_state === 'failed';

const toRedaction = (r: RedactionRow): Redaction => ({
  id: Number(r.id),
  caseId: Number(r.case_id),
  itemId: Number(r.item_id),
  sourceSha256: r.source_sha256,
  title: r.title,
  recipe: r.recipe,
  recipeSha256: r.recipe_sha256,
  version: r.version,
  status: jobGaveUp(r) ? 'failed' : r.status,
  failure: jobGaveUp(r) ? (r.failure ?? `the render job gave up: ${r.job_last_error ?? 'no reason recorded'}`) : r.failure,
  outputSha256: r.output_sha256,
  outputFacts: r.output_facts,
  renderLedgerSeq: r.render_ledger_seq === null ? null : Number(r.render_ledger_seq),
  renderJob:
    r.render_job_id === null || r.job_state === null
      ? null
      : {
          jobId: Number(r.render_job_id),
          state: r.job_state,
          attempts: r.job_attempts ?? 0,
          maxAttempts: r.job_max_attempts ?? 0,
          lastError: r.job_last_error,
          progress: r.render_progress,
          runAfter: r.job_run_after!,
        },
  createdBy: Number(r.created_by),
  createdByName: r.created_by_name,
  renderedBy: r.rendered_by === null ? null : Number(r.rendered_by),
  renderedByName: r.rendered_by_name,
  renderedAt: r.rendered_at,
  reviewedBy: r.reviewed_by === null ? null : Number(r.reviewed_by),
  reviewedByName: r.reviewed_by_name,
  reviewedAt: r.reviewed_at,
  reviewNote: r.review_note,
  authors: (r.authors ?? []).map(Number),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Claims of a render job before it gives up (a worker killed mid-render costs one). */
const RENDER_MAX_ATTEMPTS = 3;

/**
 * Redactions: the current version in `redactions`, every version in the append-only
 * `redaction_versions`, each change written with its ledger entry in one transaction.
 */
export class PgRedactionRepo implements RedactionRepo {
  private readonly queue: PgJobQueue;

  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {
    this.queue = new PgJobQueue(db);
  }

  async redactionsOfItem(itemId: number): Promise<Redaction[]> {
    const r = await this.db.query<RedactionRow>(`${SELECT} WHERE r.item_id = $1 ORDER BY r.id`, [itemId]);
    return r.rows.map(toRedaction);
  }

  async redactionsOfCase(caseId: number): Promise<Redaction[]> {
    const r = await this.db.query<RedactionRow>(`${SELECT} WHERE r.case_id = $1 ORDER BY r.id`, [caseId]);
    return r.rows.map(toRedaction);
  }

  async redaction(id: number): Promise<Redaction | null> {
    return one(this.db, id);
  }

  async create(
    x: { caseId: number; itemId: number; sourceSha256: string; title: string; recipe: RedactionRecipe; recipeSha256: string },
    userId: number,
    actor: string,
    note: (id: number) => LedgerNote,
  ): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO redactions (case_id, item_id, source_sha256, title, recipe, recipe_sha256, version, created_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, 1, $7) RETURNING id`,
        [x.caseId, x.itemId, x.sourceSha256, x.title, JSON.stringify(x.recipe), x.recipeSha256, userId],
      );
      const id = Number(r.rows[0]!.id);
      const { seq } = await this.ledger.append(tx, { actor, ...note(id) });
      await insertVersion(tx, id, 1, x.title, x.recipe, x.recipeSha256, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async writeVersion(id: number, expectedVersion: number, x: { title: string; recipe: RedactionRecipe; recipeSha256: string }, userId: number, actor: string, note: LedgerNote): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE redactions SET version = version + 1, title = $3, recipe = $4::jsonb, recipe_sha256 = $5, status = 'draft', failure = NULL,
           output_sha256 = NULL, output_facts = NULL, rendered_by = NULL, rendered_at = NULL, render_ledger_seq = NULL,
           reviewed_by = NULL, reviewed_at = NULL, review_note = NULL, review_ledger_seq = NULL, updated_at = now()
           , render_job_id = NULL, render_progress = NULL
         WHERE id = $1 AND version = $2
           AND NOT (status = 'rendering' AND EXISTS (SELECT 1 FROM jobs j WHERE j.id = redactions.render_job_id AND j.state = 'running')) RETURNING id`,
        [id, expectedVersion, x.title, JSON.stringify(x.recipe), x.recipeSha256],
      );
      if (r.rows.length === 0) throw (await one(tx, id)) ? conflict(`redaction ${id} was changed or is being rendered: reload and try again`) : notFound(`no redaction ${id}`);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await insertVersion(tx, id, expectedVersion + 1, x.title, x.recipe, x.recipeSha256, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async queueRender(id: number, version: number, userId: number, job: RedactionRenderJobSpec, actor: string, reused: (out: RenderedOutput) => LedgerNote): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      const cur = await tx.query<{ status: RedactionStatus; version: number; render_job_id: string | number | null; recipe_sha256: string; source_sha256: string }>(
        'SELECT status, version, render_job_id, recipe_sha256, source_sha256 FROM redactions WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = cur.rows[0];
      if (!row) throw notFound(`no redaction ${id}`);
      if (row.version !== version) throw conflict(`redaction ${id} is at version ${row.version}, not ${version}: reload and try again`);
      if (row.status === 'approved') throw conflict(`redaction ${id} version ${version} is approved: edit the recipe to make a new version first`);
      if (job.payload.recipeSha256 !== row.recipe_sha256 || job.payload.sourceSha256 !== row.source_sha256) throw conflict(`redaction ${id} changed meanwhile: reload and try again`);
      const { id: jobId } = await this.queue.enqueue(tx, { name: REDACTION_RENDER_JOB, key: job.key, payload: job.payload, maxAttempts: RENDER_MAX_ATTEMPTS });
      const j = (await tx.query<{ state: string; result: { output?: RenderedOutput } | null }>('SELECT state, result FROM jobs WHERE id = $1 FOR UPDATE', [jobId])).rows[0]!;
      const active = j.state === 'queued' || j.state === 'running';
      // Already asked for and on its way: nothing changes (the first request's user stays the renderer).
      if (active && (row.status === 'queued' || row.status === 'rendering') && Number(row.render_job_id) === Number(jobId)) return (await one(tx, id))!;
      // Rendered by this very job already (and not reviewed since): the same output, nothing to record.
      if (j.state === 'done' && row.status === 'rendered' && Number(row.render_job_id) === Number(jobId)) return (await one(tx, id))!;
      const out = j.state === 'done' ? j.result?.output : undefined;
      if (out && (await tx.query('SELECT 1 FROM blobs WHERE sha256 = $1', [out.sha256])).rows.length > 0) {
        // This recipe was rendered from this source with this tool before: the same bytes, recorded again.
        await tx.query(
          `UPDATE redactions SET status = 'rendering', rendered_by = $2, render_job_id = $3, reviewed_by = NULL, reviewed_at = NULL, review_note = NULL, review_ledger_seq = NULL WHERE id = $1`,
          [id, userId, jobId],
        );
        const { seq } = await this.ledger.append(tx, { actor, ...reused(out) });
        await markRendered(tx, id, out, seq);
        return (await one(tx, id))!;
      }
      if (!active) {
        // Failed (or done without a stored output): run it again, attempts reset.
        await tx.query(
          `UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), finished_at = NULL, result = NULL, last_error = NULL, updated_at = now() WHERE id = $1`,
          [jobId],
        );
      }
      await tx.query(
        `UPDATE redactions SET status = $3, failure = NULL, rendered_by = $2, render_job_id = $4, render_progress = NULL,
           output_sha256 = NULL, output_facts = NULL, rendered_at = NULL, render_ledger_seq = NULL,
           reviewed_by = NULL, reviewed_at = NULL, review_note = NULL, review_ledger_seq = NULL, updated_at = now()
         WHERE id = $1`,
        [id, userId, j.state === 'running' ? 'rendering' : 'queued', jobId],
      );
      return (await one(tx, id))!;
    });
  }

  /** The versions waiting for a render job (queued or rendering under it). */
  async waitingFor(jobId: number, q: Queryable = this.db): Promise<Redaction[]> {
    const r = await q.query<RedactionRow>(`${SELECT} WHERE r.render_job_id = $1 AND r.status IN ('queued', 'rendering') ORDER BY r.id`, [jobId]);
    return r.rows.map(toRedaction);
  }

  /** A worker started the job: its versions are rendering. */
  async renderStarted(jobId: number): Promise<number> {
    const r = await this.db.query(`UPDATE redactions SET status = 'rendering', render_progress = 0, updated_at = now() WHERE render_job_id = $1 AND status IN ('queued', 'rendering') RETURNING id`, [jobId]);
    return r.rows.length;
  }

  async renderProgress(jobId: number, fraction: number): Promise<void> {
    await this.db.query(`UPDATE redactions SET render_progress = $2 WHERE render_job_id = $1 AND status = 'rendering'`, [jobId, Math.min(1, Math.max(0, fraction))]);
  }

  /**
   * Records the job's output (its blob row) and, for every version waiting for it, its ledger entry
   * (`note` builds it; the actor is the user who asked for the render). Use in the job's `commit(tx)`.
   */
  async finishRenderJob(tx: Queryable, jobId: number, out: RenderedOutput, note: (r: Redaction) => { actor: string } & LedgerNote): Promise<number> {
    const waiting = await this.waitingFor(jobId, tx);
    // The output's bytes are stored and checked: their row too, even when no version waits any more
    // (edited meanwhile), so that a later request for the same recipe reuses them.
    await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [out.sha256, out.size]);
    for (const r of waiting) {
      const { seq } = await this.ledger.append(tx, note(r));
      await markRendered(tx, r.id, out, seq);
    }
    return waiting.length;
  }

  /** The render failed: every version waiting for the job is failed with the reason and its ledger entry; no output is recorded. */
  async failRenderJob(jobId: number, reason: string, note: (r: Redaction) => { actor: string } & LedgerNote): Promise<number> {
    return this.db.transaction(async (tx) => {
      const waiting = await this.waitingFor(jobId, tx);
      for (const r of waiting) {
        await this.ledger.append(tx, note(r));
        await tx.query(
          `UPDATE redactions SET status = 'failed', failure = $2, render_progress = NULL, output_sha256 = NULL, output_facts = NULL, rendered_at = NULL, render_ledger_seq = NULL, updated_at = now()
           WHERE id = $1 AND status IN ('queued', 'rendering')`,
          [r.id, reason],
        );
      }
      return waiting.length;
    });
  }

  async review(id: number, version: number, decision: 'approved' | 'rejected', userId: number, reviewNote: string, actor: string, note: LedgerNote): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      const r = await tx.query(
        `UPDATE redactions SET status = $3, reviewed_by = $4, reviewed_at = now(), review_note = $5, review_ledger_seq = $6, updated_at = now()
         WHERE id = $1 AND version = $2 AND status = 'rendered' RETURNING id`,
        [id, version, decision, userId, reviewNote, seq],
      );
      if (r.rows.length === 0) throw conflict(`redaction ${id} changed meanwhile: reload and look again`);
      return (await one(tx, id))!;
    });
  }

  /**
   * Approved, rendered redactions of a case (what may be published), oldest first: each with the
   * output blob and the ledger entries of its render and its approval.
   */
  async publishable(caseId: number): Promise<Redaction[]> {
    const r = await this.db.query<RedactionRow>(`${SELECT} WHERE r.case_id = $1 AND r.status = 'approved' AND r.output_sha256 IS NOT NULL ORDER BY r.id`, [caseId]);
    return r.rows.map(toRedaction);
  }
}

async function markRendered(tx: Queryable, id: number, out: RenderedOutput, seq: number): Promise<void> {
  await tx.query(
    `UPDATE redactions SET status = 'rendered', failure = NULL, render_progress = 1, output_sha256 = $2, output_facts = $3::jsonb, rendered_at = now(), render_ledger_seq = $4, updated_at = now()
     WHERE id = $1`,
    [id, out.sha256, JSON.stringify({ ...out.facts, tool: out.tool, size: out.size }), seq],
  );
}

async function one(q: Queryable, id: number): Promise<Redaction | null> {
  const r = await q.query<RedactionRow>(`${SELECT} WHERE r.id = $1`, [id]);
  return r.rows[0] ? toRedaction(r.rows[0]) : null;
}

async function insertVersion(tx: Queryable, id: number, version: number, title: string, recipe: RedactionRecipe, sha: string, userId: number, seq: number): Promise<void> {
  await tx.query(
    `INSERT INTO redaction_versions (redaction_id, version, title, recipe, recipe_sha256, author, ledger_seq) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
    [id, version, title, JSON.stringify(recipe), sha, userId, seq],
  );
}

/** The latest face detection run of a blob, with the source's duration from its probe. */
export class PgFaceDetectionsSource implements FaceDetectionsSource {
  constructor(private readonly db: Db) {}
  async facesOfBlob(sha256: string): Promise<{ sampleFps: number; durationSec: number | null; faces: DetectedFace[] } | null> {
    const run = await this.db.query<{ tool: string; model: string; sample_fps: number; duration: number | null }>(
      `SELECT r.tool, r.model, r.sample_fps,
         (SELECT (p.facts ->> 'durationSec')::double precision FROM media_probes p WHERE p.sha256 = r.sha256 AND p.status = 'ok' LIMIT 1) AS duration
       FROM face_runs r WHERE r.sha256 = $1 ORDER BY r.created_at DESC, r.ledger_seq DESC LIMIT 1`,
      [sha256],
    );
    const row = run.rows[0];
    if (!row) return null;
    const b = await this.db.query<{ t_sec: number; x: number; y: number; w: number; h: number; score: number }>(
      'SELECT t_sec, x, y, w, h, score FROM face_boxes WHERE sha256 = $1 AND tool = $2 AND model = $3 ORDER BY t_sec, id',
      [sha256, row.tool, row.model],
    );
    return { sampleFps: row.sample_fps, durationSec: row.duration, faces: b.rows.map((x) => ({ tSec: x.t_sec, x: x.x, y: x.y, w: x.w, h: x.h, score: x.score })) };
  }
}
