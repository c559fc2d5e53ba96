import {
  conflict,
  notFound,
  type EvidenceSegment,
  type Incident,
  type IncidentContent,
  type IncidentRepo,
  type IncidentStatus,
  type LedgerNote,
  type Review,
  type Transition,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface IncidentRow {
  id: number;
  case_id: number;
  title: string;
  facility_id: number | null;
  camera_id: number | null;
  place: string | null;
  occurred_from: Date | null;
  occurred_to: Date | null;
  time_source: Incident['timeSource'];
  victim_ids: unknown[];
  perpetrator_ids: unknown[];
  term_ids: unknown[];
  description: string;
  status: IncidentStatus;
  confidence: Incident['confidence'];
  created_by: number;
  created_by_name: string;
  submitted_by: number | null;
  submitted_by_name: string | null;
  reviewed_by: number | null;
  reviewed_by_name: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT i.id, i.case_id, i.title, i.facility_id, i.camera_id, i.place, i.occurred_from, i.occurred_to, i.time_source,
    i.victim_ids, i.perpetrator_ids, i.term_ids, i.description, i.status, i.confidence, i.created_by, cu.username AS created_by_name,
    i.submitted_by, su.username AS submitted_by_name, i.reviewed_by, ru.username AS reviewed_by_name, i.version, i.created_at, i.updated_at
  FROM incidents i JOIN users cu ON cu.id = i.created_by
    LEFT JOIN users su ON su.id = i.submitted_by LEFT JOIN users ru ON ru.id = i.reviewed_by`;

const ids = (xs: unknown[]): number[] => xs.map(Number);
const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  caseId: r.case_id,
  title: r.title,
  facilityId: r.facility_id,
  cameraId: r.camera_id,
  place: r.place,
  occurredFrom: r.occurred_from ? new Date(r.occurred_from).toISOString() : null,
  occurredTo: r.occurred_to ? new Date(r.occurred_to).toISOString() : null,
  timeSource: r.time_source,
  victimIds: ids(r.victim_ids),
  perpetratorIds: ids(r.perpetrator_ids),
  termIds: ids(r.term_ids),
  description: r.description,
  status: r.status,
  confidence: r.confidence,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  submittedBy: r.submitted_by,
  submittedByName: r.submitted_by_name,
  reviewedBy: r.reviewed_by,
  reviewedByName: r.reviewed_by_name,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Incidents, their versions, evidence segments and reviews; each change one transaction with its ledger entry. */
export class PgIncidentRepo implements IncidentRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async incidents(caseId: number, f: { status?: IncidentStatus; q?: string }): Promise<Incident[]> {
    const q = f.q?.trim() || null;
    const r = await this.db.query<IncidentRow>(
      `${SELECT} WHERE i.case_id = $1 AND ($2::text IS NULL OR i.status = $2)
         AND ($3::text IS NULL OR i.search @@ (websearch_to_tsquery('russian', $3) || websearch_to_tsquery('english', $3)))
       ORDER BY i.id DESC`,
      [caseId, f.status ?? null, q],
    );
    return r.rows.map(toIncident);
  }

  async incident(id: number): Promise<Incident | null> {
    return one(this.db, id);
  }

  async segments(incidentId: number): Promise<EvidenceSegment[]> {
    const r = await this.db.query<{ id: number; incident_id: number; item_id: number; sha256: string | null; start_sec: number; end_sec: number; annotation_id: number | null; added_by: number; added_at: Date }>(
      `SELECT s.id, s.incident_id, s.item_id, it.sha256, s.start_sec, s.end_sec, s.annotation_id, s.added_by, s.added_at
       FROM incident_segments s JOIN items it ON it.id = s.item_id WHERE s.incident_id = $1 AND s.removed_at IS NULL ORDER BY s.id`,
      [incidentId],
    );
    return r.rows.map((s) => ({
      id: s.id,
      incidentId: s.incident_id,
      itemId: s.item_id,
      sha256: s.sha256,
      startSec: s.start_sec,
      endSec: s.end_sec,
      annotationId: s.annotation_id,
      addedBy: s.added_by,
      addedAt: s.added_at,
    }));
  }

  async reviews(incidentId: number): Promise<Review[]> {
    const r = await this.db.query<{ id: number; incident_id: number; incident_version: number; action: Review['action']; from_status: IncidentStatus; to_status: IncidentStatus; reviewer: number; reviewer_name: string; checklist: Review['checklist']; confidence: Review['confidence']; note: string; created_at: Date }>(
      `SELECT r.*, u.username AS reviewer_name FROM incident_reviews r JOIN users u ON u.id = r.reviewer WHERE r.incident_id = $1 ORDER BY r.id`,
      [incidentId],
    );
    return r.rows.map((x) => ({
      id: x.id,
      incidentId: x.incident_id,
      incidentVersion: x.incident_version,
      action: x.action,
      fromStatus: x.from_status,
      toStatus: x.to_status,
      reviewer: x.reviewer,
      reviewerName: x.reviewer_name,
      checklist: x.checklist,
      confidence: x.confidence,
      note: x.note,
      createdAt: x.created_at,
    }));
  }

  async createIncident(caseId: number, c: IncidentContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Incident> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO incidents (case_id, title, facility_id, camera_id, place, occurred_from, occurred_to, time_source,
           victim_ids, perpetrator_ids, term_ids, description, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint[], $10::bigint[], $11::bigint[], $12, $13) RETURNING id`,
        [caseId, c.title, c.facilityId, c.cameraId, c.place, c.occurredFrom, c.occurredTo, c.timeSource, c.victimIds, c.perpetratorIds, c.termIds, c.description, userId],
      );
      const id = r.rows[0]!.id;
      const { seq } = await this.ledger.append(tx, { actor, ...note(id) });
      await snapshot(tx, id, 1, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async updateIncident(id: number, expectedVersion: number, c: IncidentContent, userId: number, actor: string, note: LedgerNote): Promise<Incident> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE incidents SET title = $3, facility_id = $4, camera_id = $5, place = $6, occurred_from = $7, occurred_to = $8, time_source = $9,
           victim_ids = $10::bigint[], perpetrator_ids = $11::bigint[], term_ids = $12::bigint[], description = $13,
           version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status = 'unreviewed' RETURNING id`,
        [id, expectedVersion, c.title, c.facilityId, c.cameraId, c.place, c.occurredFrom, c.occurredTo, c.timeSource, c.victimIds, c.perpetratorIds, c.termIds, c.description],
      );
      if (r.rows.length === 0) throw await staleOrMissing(tx, id);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await snapshot(tx, id, expectedVersion + 1, userId, seq);
      return (await one(tx, id))!;
    });
  }

  async addSegment(
    incidentId: number,
    expectedVersion: number,
    s: { itemId: number; startSec: number; endSec: number; annotationId: number | null },
    userId: number,
    actor: string,
    note: (segmentId: number) => LedgerNote,
  ): Promise<EvidenceSegment> {
    return this.db.transaction(async (tx) => {
      await bumpUnreviewed(tx, incidentId, expectedVersion);
      const seg = await tx.query<{ id: number; added_at: Date }>(
        `INSERT INTO incident_segments (incident_id, item_id, start_sec, end_sec, annotation_id, added_by, ledger_seq)
         VALUES ($1, $2, $3, $4, $5, $6, -1) RETURNING id, added_at`,
        [incidentId, s.itemId, s.startSec, s.endSec, s.annotationId, userId],
      );
      const segId = seg.rows[0]!.id;
      const { seq } = await this.ledger.append(tx, { actor, ...note(segId) });
      await tx.query('UPDATE incident_segments SET ledger_seq = $2 WHERE id = $1', [segId, seq]);
      await snapshot(tx, incidentId, expectedVersion + 1, userId, seq);
      const sha = await tx.query<{ sha256: string | null }>('SELECT sha256 FROM items WHERE id = $1', [s.itemId]);
      return { id: segId, incidentId, itemId: s.itemId, sha256: sha.rows[0]?.sha256 ?? null, startSec: s.startSec, endSec: s.endSec, annotationId: s.annotationId, addedBy: userId, addedAt: seg.rows[0]!.added_at };
    });
  }

  async removeSegment(incidentId: number, expectedVersion: number, segmentId: number, userId: number, actor: string, note: LedgerNote): Promise<void> {
    await this.db.transaction(async (tx) => {
      await bumpUnreviewed(tx, incidentId, expectedVersion);
      const r = await tx.query(
        'UPDATE incident_segments SET removed_by = $3, removed_at = now() WHERE id = $1 AND incident_id = $2 AND removed_at IS NULL RETURNING id',
        [segmentId, incidentId, userId],
      );
      if (r.rows.length === 0) throw notFound(`no segment ${segmentId} in incident ${incidentId}`);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await snapshot(tx, incidentId, expectedVersion + 1, userId, seq);
    });
  }

  async review(id: number, version: number, t: Transition, userId: number, actor: string, note: LedgerNote): Promise<Incident> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE incidents SET status = $4,
           submitted_by = CASE WHEN $3 = 'submit' THEN $5 ELSE submitted_by END,
           reviewed_by = CASE WHEN $3 IN ('verify', 'dispute') THEN $5::bigint WHEN $3 = 'reopen' THEN NULL ELSE reviewed_by END,
           confidence = CASE WHEN $3 IN ('verify', 'dispute') THEN $6 WHEN $3 = 'reopen' THEN NULL ELSE confidence END,
           updated_at = now()
         WHERE id = $1 AND version = $2 AND status = $7 RETURNING id`,
        [id, version, t.action, t.to, userId, t.confidence, t.from],
      );
      if (r.rows.length === 0) throw await staleOrMissing(tx, id);
      const { seq } = await this.ledger.append(tx, { actor, ...note });
      await tx.query(
        `INSERT INTO incident_reviews (incident_id, incident_version, action, from_status, to_status, reviewer, checklist, confidence, note, ledger_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
        [id, version, t.action, t.from, t.to, userId, t.checklist ? JSON.stringify(t.checklist) : null, t.confidence, t.note, seq],
      );
      return (await one(tx, id))!;
    });
  }
}

async function one(q: Queryable, id: number): Promise<Incident | null> {
  const r = await q.query<IncidentRow>(`${SELECT} WHERE i.id = $1`, [id]);
  return r.rows[0] ? toIncident(r.rows[0]) : null;
}

async function staleOrMissing(q: Queryable, id: number): Promise<Error> {
  return (await one(q, id)) ? conflict(`incident ${id} was changed or reviewed meanwhile: reload and try again`) : notFound(`no incident ${id}`);
}

async function bumpUnreviewed(tx: Queryable, id: number, expectedVersion: number): Promise<void> {
  const r = await tx.query(
    `UPDATE incidents SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 AND status = 'unreviewed' RETURNING id`,
    [id, expectedVersion],
  );
  if (r.rows.length === 0) throw await staleOrMissing(tx, id);
}

/** Stores the incident's content and live segments as they are now, as version `version`. */
async function snapshot(tx: Queryable, id: number, version: number, userId: number, seq: number): Promise<void> {
  await tx.query(
    `INSERT INTO incident_versions (incident_id, version, content, author, ledger_seq)
     SELECT i.id, $2, jsonb_build_object(
         'title', i.title, 'facilityId', i.facility_id, 'cameraId', i.camera_id, 'place', i.place,
         'occurredFrom', i.occurred_from, 'occurredTo', i.occurred_to, 'timeSource', i.time_source,
         'victimIds', i.victim_ids, 'perpetratorIds', i.perpetrator_ids, 'termIds', i.term_ids, 'description', i.description,
         'segments', COALESCE((SELECT jsonb_agg(jsonb_build_array(s.item_id, s.start_sec, s.end_sec) ORDER BY s.id)
           FROM incident_segments s WHERE s.incident_id = i.id AND s.removed_at IS NULL), '[]'::jsonb)),
       $3, $4
     FROM incidents i WHERE i.id = $1`,
    [id, version, userId, seq],
  );
}
