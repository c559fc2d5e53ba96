import { conflict, notFound, type Annotation, type AnnotationContent, type AnnotationRepo, type AnnotationVersion, type LedgerNote } from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface AnnotationRow {
  id: number;
  case_id: number;
  item_id: number;
  version: number;
  start_sec: number;
  end_sec: number;
  term_ids: number[];
  person_ids: number[];
  incident_id: number | null;
  note: string;
  deleted: boolean;
  created_by: number;
  created_by_name: string;
  created_at: Date;
  updated_by: number;
  updated_by_name: string;
  updated_at: Date;
}

const SELECT = `SELECT a.id, a.case_id, a.item_id, a.version, a.start_sec, a.end_sec, a.term_ids, a.person_ids, a.incident_id,
    a.note, a.deleted, a.created_by, cu.username AS created_by_name, a.created_at, a.updated_by, uu.username AS updated_by_name, a.updated_at
  FROM annotations a JOIN users cu ON cu.id = a.created_by JOIN users uu ON uu.id = a.updated_by`;

const ids = (xs: unknown[]): number[] => xs.map(Number);
const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id,
  caseId: r.case_id,
  itemId: r.item_id,
  version: r.version,
  startSec: r.start_sec,
  endSec: r.end_sec,
  termIds: ids(r.term_ids),
  personIds: ids(r.person_ids),
  incidentId: r.incident_id,
  note: r.note,
  deleted: r.deleted,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedByName: r.updated_by_name,
  updatedAt: r.updated_at,
});

/** Annotations: a current row per annotation, and every version in an append-only table. */
export class PgAnnotationRepo implements AnnotationRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async annotationsOfItem(itemId: number, includeDeleted: boolean): Promise<Annotation[]> {
    const r = await this.db.query<AnnotationRow>(`${SELECT} WHERE a.item_id = $1 AND ($2 OR NOT a.deleted) ORDER BY a.start_sec, a.id`, [itemId, includeDeleted]);
    return r.rows.map(toAnnotation);
  }

  async annotation(id: number): Promise<Annotation | null> {
    return one(this.db, id);
  }

  async versions(id: number): Promise<AnnotationVersion[]> {
    const r = await this.db.query<{
      annotation_id: number; version: number; start_sec: number; end_sec: number; term_ids: number[]; person_ids: number[];
      incident_id: number | null; note: string; deleted: boolean; author: number; author_name: string; created_at: Date; ledger_seq: number;
    }>(
      `SELECT v.*, u.username AS author_name FROM annotation_versions v JOIN users u ON u.id = v.author WHERE v.annotation_id = $1 ORDER BY v.version`,
      [id],
    );
    return r.rows.map((v) => ({
      annotationId: v.annotation_id,
      version: v.version,
      startSec: v.start_sec,
      endSec: v.end_sec,
      termIds: ids(v.term_ids),
      personIds: ids(v.person_ids),
      incidentId: v.incident_id,
      note: v.note,
      deleted: v.deleted,
      author: v.author,
      authorName: v.author_name,
      createdAt: v.created_at,
      ledgerSeq: v.ledger_seq,
    }));
  }

  async createAnnotation(caseId: number, itemId: number, c: AnnotationContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Annotation> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO annotations (case_id, item_id, version, start_sec, end_sec, term_ids, person_ids, incident_id, note, created_by, updated_by)
         VALUES ($1, $2, 1, $3, $4, $5::bigint[], $6::bigint[], $7, $8, $9, $9) RETURNING id`,
        [caseId, itemId, c.startSec, c.endSec, c.termIds, c.personIds, c.incidentId, c.note, userId],
      );
      const id = r.rows[0]!.id;
      const { seq } = await this.ledger.append(tx, { actor, ...note(id) });
      await insertVersion(tx, id, 1, c, false, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async writeVersion(id: number, expectedVersion: number, c: AnnotationContent, deleted: boolean, userId: number, actor: string, note: LedgerNote): Promise<Annotation> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE annotations SET version = version + 1, start_sec = $3, end_sec = $4, term_ids = $5::bigint[], person_ids = $6::bigint[],
           incident_id = $7, note = $8, deleted = $9, updated_by = $10, updated_at = now()
         WHERE id = $1 AND version = $2 AND NOT deleted RETURNING id`,
        [id, expectedVersion, c.startSec, c.endSec, c.termIds, c.personIds, c.incidentId, c.note, deleted, userId],
      );
      if (r.rows.length === 0) throw (await one(tx, id)) ? conflict(`annotation ${id} was changed meanwhile: reload and try again`) : notFound(`no annotation ${id}`);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await insertVersion(tx, id, expectedVersion + 1, c, deleted, userId, seq);
      return (await one(tx, id))!;
    });
  }
}

async function one(q: Queryable, id: number): Promise<Annotation | null> {
  const r = await q.query<AnnotationRow>(`${SELECT} WHERE a.id = $1`, [id]);
  return r.rows[0] ? toAnnotation(r.rows[0]) : null;
}

async function insertVersion(tx: Queryable, id: number, version: number, c: AnnotationContent, deleted: boolean, userId: number, seq: number): Promise<void> {
  await tx.query(
    `INSERT INTO annotation_versions (annotation_id, version, start_sec, end_sec, term_ids, person_ids, incident_id, note, deleted, author, ledger_seq)
     VALUES ($1, $2, $3, $4, $5::bigint[], $6::bigint[], $7, $8, $9, $10, $11)`,
    [id, version, c.startSec, c.endSec, c.termIds, c.personIds, c.incidentId, c.note, deleted, userId, seq],
  );
}
