import { conflict, notFound, type Facility, type FacilityChange, type FacilityKind, type FacilityRepo, type FacilityUses, type LedgerNote, type NewFacility } from '@custodia/core';
import type { Db } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface FacilityRow {
  id: number;
  kind: FacilityKind;
  name: string;
  parent_id: number | null;
  facility_type_term_id: number | null;
  overlay_label: string | null;
  archived: boolean;
}
const COLS = 'id, kind, name, parent_id, facility_type_term_id, overlay_label, archived_at IS NOT NULL AS archived';
const toFacility = (r: FacilityRow): Facility => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  parentId: r.parent_id,
  facilityTypeTermId: r.facility_type_term_id,
  overlayLabel: r.overlay_label,
  archived: r.archived,
});

export class PgFacilityRepo implements FacilityRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async facilities(): Promise<Facility[]> {
    return (await this.db.query<FacilityRow>(`SELECT ${COLS} FROM facilities ORDER BY id`)).rows.map(toFacility);
  }

  async facility(id: number): Promise<Facility | null> {
    const r = await this.db.query<FacilityRow>(`SELECT ${COLS} FROM facilities WHERE id = $1`, [id]);
    return r.rows[0] ? toFacility(r.rows[0]) : null;
  }

  async camerasByLabel(norm: string): Promise<Facility[]> {
    const r = await this.db.query<FacilityRow>(`SELECT ${COLS} FROM facilities WHERE kind = 'camera' AND overlay_label_norm = $1 ORDER BY id`, [norm]);
    return r.rows.map(toFacility);
  }

  async createFacility(f: NewFacility & { overlayLabelNorm: string | null }, actor: string, note: (id: number) => LedgerNote): Promise<Facility> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<FacilityRow>(
        `INSERT INTO facilities (kind, name, parent_id, facility_type_term_id, overlay_label, overlay_label_norm)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
        [f.kind, f.name, f.parentId, f.facilityTypeTermId, f.overlayLabel, f.overlayLabelNorm],
      );
      await this.ledger.append(tx, { actor, ...note(r.rows[0]!.id) });
      return toFacility(r.rows[0]!);
    });
  }

  async updateFacility(id: number, c: FacilityChange & { overlayLabelNorm?: string | null }, actor: string, note: LedgerNote): Promise<Facility> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<FacilityRow>(
        `UPDATE facilities SET
           name = COALESCE($2, name),
           parent_id = CASE WHEN $3::boolean THEN $4::bigint ELSE parent_id END,
           facility_type_term_id = CASE WHEN $5::boolean THEN $6::bigint ELSE facility_type_term_id END,
           overlay_label = CASE WHEN $7::boolean THEN $8 ELSE overlay_label END,
           overlay_label_norm = CASE WHEN $7::boolean THEN $9 ELSE overlay_label_norm END,
           updated_at = now()
         WHERE id = $1 RETURNING ${COLS}`,
        [
          id,
          c.name ?? null,
          c.parentId !== undefined,
          c.parentId ?? null,
          c.facilityTypeTermId !== undefined,
          c.facilityTypeTermId ?? null,
          c.overlayLabel !== undefined,
          c.overlayLabel ?? null,
          c.overlayLabelNorm ?? null,
        ],
      );
      if (!r.rows[0]) throw notFound(`no facility ${id}`);
      await this.ledger.append(tx, { actor, ...note });
      return toFacility(r.rows[0]);
    });
  }

  async facilityUses(id: number): Promise<FacilityUses> {
    const r = await this.db.query<{ nodes: number; positions: number; incidents: number }>(
      `SELECT (SELECT count(*) FROM facilities WHERE parent_id = $1)::int AS nodes,
              (SELECT count(*) FROM person_positions WHERE facility_id = $1)::int AS positions,
              -- An incident that named it in any version (its history must keep resolving).
              (SELECT count(*) FROM incidents i WHERE i.facility_id = $1 OR i.camera_id = $1 OR EXISTS (
                 SELECT 1 FROM incident_versions v WHERE v.incident_id = i.id
                   AND (v.content->>'facilityId' = $1::text OR v.content->>'cameraId' = $1::text)))::int AS incidents`,
      [id],
    );
    const u = r.rows[0]!;
    return { 'nodes under it': u.nodes, 'person positions': u.positions, incidents: u.incidents };
  }

  async deleteFacility(id: number, actor: string, note: LedgerNote): Promise<void> {
    await this.db.transaction(async (tx) => {
      try {
        const r = await tx.query('DELETE FROM facilities WHERE id = $1 RETURNING id', [id]);
        if (!r.rows[0]) throw notFound(`no facility ${id}`);
      } catch (e) {
        // Something came to refer to it since it was checked (a foreign key says so).
        if ((e as { code?: string }).code === '23503') throw conflict(`facility ${id} is in use: rename or move it instead`, { where: 'facility' });
        throw e;
      }
      await this.ledger.append(tx, { actor, ...note });
    });
  }

  async setArchived(id: number, archived: boolean, actor: string, note: LedgerNote): Promise<Facility> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<FacilityRow>(
        `UPDATE facilities SET archived_at = CASE WHEN $2::boolean THEN now() END, updated_at = now() WHERE id = $1 RETURNING ${COLS}`,
        [id, archived],
      );
      if (!r.rows[0]) throw notFound(`no facility ${id}`);
      await this.ledger.append(tx, { actor, ...note });
      return toFacility(r.rows[0]);
    });
  }
}
