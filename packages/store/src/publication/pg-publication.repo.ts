import { conflict, notFound, type LedgerNote, type Publication, type PublicationMark, type PublicationRepo, type PublishableRedaction } from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface PublicationRow {
  incident_id: number;
  case_id: number;
  public_title: string;
  public_summary: string;
  redaction_ids: unknown[];
  marked_by: number;
  marked_by_name: string;
  marked_at: Date;
  version: number;
}

const SELECT = `SELECT p.incident_id, p.case_id, p.public_title, p.public_summary, p.redaction_ids, p.marked_by, u.username AS marked_by_name, p.marked_at, p.version
  FROM publications p JOIN users u ON u.id = p.marked_by`;

const toPublication = (r: PublicationRow): Publication => ({
  incidentId: Number(r.incident_id),
  caseId: Number(r.case_id),
  title: r.public_title,
  summary: r.public_summary,
  redactionIds: r.redaction_ids.map(Number),
  markedBy: Number(r.marked_by),
  markedByName: r.marked_by_name,
  markedAt: new Date(r.marked_at),
  version: r.version,
});

/** Publication marks; each change one transaction with its ledger entry. */
export class PgPublicationRepo implements PublicationRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async publication(incidentId: number): Promise<Publication | null> {
    return one(this.db, incidentId);
  }

  async publications(caseId: number): Promise<Publication[]> {
    const r = await this.db.query<PublicationRow>(`${SELECT} WHERE p.case_id = $1 ORDER BY p.incident_id`, [caseId]);
    return r.rows.map(toPublication);
  }

  async publishableRedactions(caseId: number, itemIds?: readonly number[]): Promise<PublishableRedaction[]> {
    const r = await this.db.query<{ id: number; item_id: number; title: string; source_sha256: string; output_sha256: string; recipe_sha256: string; reviewed_at: Date | null }>(
      `SELECT id, item_id, title, source_sha256, output_sha256, recipe_sha256, reviewed_at FROM redactions
        WHERE case_id = $1 AND status = 'approved' AND output_sha256 IS NOT NULL AND ($2::bigint[] IS NULL OR item_id = ANY($2::bigint[]))
          -- a protected item (ADR 0021) is never published: its redactions are not offered
          AND NOT EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = redactions.item_id)
        ORDER BY id`,
      [caseId, itemIds ? [...itemIds] : null],
    );
    return r.rows.map((x) => ({
      id: Number(x.id), itemId: Number(x.item_id), title: x.title, sourceSha256: x.source_sha256, outputSha256: x.output_sha256, recipeSha256: x.recipe_sha256,
      reviewedAt: x.reviewed_at ? new Date(x.reviewed_at) : null,
    }));
  }

  async mark(incidentId: number, caseId: number, m: PublicationMark, expectedVersion: number | null, userId: number, actor: string, note: LedgerNote): Promise<Publication> {
    return this.db.transaction(async (tx) => {
      const cur = await tx.query<{ version: number }>('SELECT version FROM publications WHERE incident_id = $1 FOR UPDATE', [incidentId]);
      const version = cur.rows[0]?.version ?? null;
      if (expectedVersion !== null && expectedVersion !== version) {
        throw conflict(`the publication of incident ${incidentId} was changed meanwhile (version ${version ?? 'none'}, not ${expectedVersion}): reload it`);
      }
      const { seq } = await this.ledger.append(tx, { actor, ...note, details: { ...note.details, version: (version ?? 0) + 1 } });
      await tx.query(
        `INSERT INTO publications (incident_id, case_id, public_title, public_summary, redaction_ids, marked_by, ledger_seq)
         VALUES ($1, $2, $3, $4, $5::bigint[], $6, $7)
         ON CONFLICT (incident_id) DO UPDATE SET public_title = EXCLUDED.public_title, public_summary = EXCLUDED.public_summary,
           redaction_ids = EXCLUDED.redaction_ids, marked_by = EXCLUDED.marked_by, marked_at = now(), ledger_seq = EXCLUDED.ledger_seq,
           version = publications.version + 1`,
        [incidentId, caseId, m.title, m.summary, m.redactionIds, userId, seq],
      );
      return (await one(tx, incidentId))!;
    });
  }

  async unmark(incidentId: number, actor: string, note: LedgerNote): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await tx.query('DELETE FROM publications WHERE incident_id = $1 RETURNING incident_id', [incidentId]);
      if (r.rows.length === 0) throw notFound(`incident ${incidentId} is not marked public`);
      await this.ledger.append(tx, { actor, ...note });
    });
  }
}

async function one(q: Queryable, incidentId: number): Promise<Publication | null> {
  const r = await q.query<PublicationRow>(`${SELECT} WHERE p.incident_id = $1`, [incidentId]);
  return r.rows[0] ? toPublication(r.rows[0]) : null;
}
