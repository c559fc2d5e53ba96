import {
  conflict,
  notFound,
  type DetectedFace,
  type FaceDetectionsSource,
  type LedgerNote,
  type Redaction,
  type RedactionRecipe,
  type RedactionRepo,
  type RedactionStatus,
  type RenderedOutput,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
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
}

const SELECT = `SELECT r.*, cu.username AS created_by_name, ru.username AS rendered_by_name, vu.username AS reviewed_by_name,
    (SELECT array_agg(DISTINCT v.author) FROM redaction_versions v WHERE v.redaction_id = r.id) AS authors
  FROM redactions r JOIN users cu ON cu.id = r.created_by LEFT JOIN users ru ON ru.id = r.rendered_by LEFT JOIN users vu ON vu.id = r.reviewed_by`;

const toRedaction = (r: RedactionRow): Redaction => ({
  id: Number(r.id),
  caseId: Number(r.case_id),
  itemId: Number(r.item_id),
  sourceSha256: r.source_sha256,
  title: r.title,
  recipe: r.recipe,
  recipeSha256: r.recipe_sha256,
  version: r.version,
  status: r.status,
  failure: r.failure,
  outputSha256: r.output_sha256,
  outputFacts: r.output_facts,
  renderLedgerSeq: r.render_ledger_seq === null ? null : Number(r.render_ledger_seq),
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

/** A render left 'rendering' longer than this (its process died) may be started again. */
const STALE_RENDER = '6 hours';

/**
 * Redactions: the current version in `redactions`, every version in the append-only
 * `redaction_versions`, each change written with its ledger entry in one transaction.
 */
export class PgRedactionRepo implements RedactionRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

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
         WHERE id = $1 AND version = $2 AND status <> 'rendering' RETURNING id`,
        [id, expectedVersion, x.title, JSON.stringify(x.recipe), x.recipeSha256],
      );
      if (r.rows.length === 0) throw (await one(tx, id)) ? conflict(`redaction ${id} was changed or is being rendered: reload and try again`) : notFound(`no redaction ${id}`);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await insertVersion(tx, id, expectedVersion + 1, x.title, x.recipe, x.recipeSha256, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async startRender(id: number, version: number, userId: number): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE redactions SET status = 'rendering', failure = NULL, rendered_by = $3, updated_at = now()
       WHERE id = $1 AND version = $2 AND status <> 'approved'
         AND (status <> 'rendering' OR updated_at < now() - interval '${STALE_RENDER}') RETURNING id`,
      [id, version, userId],
    );
    return r.rows.length > 0;
  }

  async finishRender(id: number, version: number, out: RenderedOutput, actor: string, note: LedgerNote): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [out.sha256, out.size]);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      const r = await tx.query(
        `UPDATE redactions SET status = 'rendered', output_sha256 = $3, output_facts = $4::jsonb, rendered_at = now(), render_ledger_seq = $5, updated_at = now()
         WHERE id = $1 AND version = $2 AND status = 'rendering' RETURNING id`,
        [id, version, out.sha256, JSON.stringify({ ...out.facts, tool: out.tool, size: out.size }), seq],
      );
      if (r.rows.length === 0) throw conflict(`redaction ${id} changed while it was rendered: render it again`);
      return (await one(tx, id))!;
    });
  }

  async failRender(id: number, version: number, reason: string, actor: string, note: LedgerNote): Promise<Redaction> {
    return this.db.transaction(async (tx) => {
      await this.ledger.append(tx, { actor, ...note });
      await tx.query(
        `UPDATE redactions SET status = 'failed', failure = $3, output_sha256 = NULL, output_facts = NULL, rendered_at = NULL, render_ledger_seq = NULL, updated_at = now()
         WHERE id = $1 AND version = $2 AND status = 'rendering'`,
        [id, version, reason],
      );
      const r = await one(tx, id);
      if (!r) throw notFound(`no redaction ${id}`);
      return r;
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
