import {
  conflict,
  notFound,
  type LedgerNote,
  type NewPerson,
  type PersonChange,
  type PersonRecord,
  type PersonRepo,
  type Position,
  type ProtectedIdentity,
  type SealedIdentity,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface PersonRow {
  id: number;
  case_id: number;
  role: PersonRecord['role'];
  pseudonym: string;
  created_by: number;
  version: number;
  has_identity: boolean;
  is_source: boolean;
  positions: Position[];
}

// Positions are aggregated here; identities only say whether one exists. The values are read by
// `identities()` alone, which the use cases call after checking the grant.
const SELECT = `SELECT p.id, p.case_id, p.role, p.pseudonym, p.created_by, p.version, p.is_source,
    EXISTS (SELECT 1 FROM person_identities i WHERE i.person_id = p.id) AS has_identity,
    COALESCE((SELECT jsonb_agg(jsonb_build_object('facilityId', pp.facility_id, 'title', pp.title,
        'from', to_char(pp.valid_from, 'YYYY-MM-DD'), 'to', to_char(pp.valid_to, 'YYYY-MM-DD'))
        || jsonb_strip_nulls(jsonb_build_object('unit', pp.unit, 'rank', pp.rank)) ORDER BY pp.valid_from NULLS FIRST, pp.id)
      FROM person_positions pp WHERE pp.person_id = p.id), '[]'::jsonb) AS positions
  FROM persons p`;

const toPerson = (r: PersonRow): PersonRecord => ({
  id: r.id,
  caseId: r.case_id,
  role: r.role,
  pseudonym: r.pseudonym,
  positions: r.positions,
  createdBy: r.created_by,
  version: r.version,
  hasIdentity: r.has_identity,
  isSource: r.is_source,
});

export class PgPersonRepo implements PersonRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async persons(caseId: number, q?: string, withSources = false): Promise<PersonRecord[]> {
    const like = q?.trim() ? `%${q.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const r = await this.db.query<PersonRow>(
      `${SELECT} WHERE p.case_id = $1 AND ($3 OR NOT p.is_source) AND ($2::text IS NULL OR p.pseudonym ILIKE $2
         OR EXISTS (SELECT 1 FROM person_positions pp WHERE pp.person_id = p.id AND (pp.title ILIKE $2 OR pp.unit ILIKE $2 OR pp.rank ILIKE $2)))
       ORDER BY p.pseudonym`,
      [caseId, like, withSources],
    );
    return r.rows.map(toPerson);
  }

  async personsByIds(ids: readonly number[]): Promise<PersonRecord[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<PersonRow>(`${SELECT} WHERE p.id = ANY($1::bigint[])`, [ids]);
    return r.rows.map(toPerson);
  }

  async identities(personIds: readonly number[]): Promise<Map<number, ProtectedIdentity>> {
    const out = new Map<number, ProtectedIdentity>();
    if (personIds.length === 0) return out;
    const r = await this.db.query<{ person_id: number; real_name: string | null; birth_date: string | null; notes: string | null }>(
      'SELECT person_id, real_name, birth_date, notes FROM person_identities WHERE person_id = ANY($1::bigint[])',
      [personIds],
    );
    for (const row of r.rows) out.set(row.person_id, { realName: row.real_name, birthDate: row.birth_date, notes: row.notes });
    return out;
  }

  async createPerson(p: Omit<NewPerson, 'protected'>, identity: SealedIdentity | null, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<PersonRecord> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO persons (case_id, role, pseudonym, created_by, is_source) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (case_id, pseudonym) DO NOTHING RETURNING id`,
        [p.caseId, p.role, p.pseudonym, userId, p.isSource ?? false],
      );
      const id = r.rows[0]?.id;
      if (id === undefined) throw conflict(`the case has a person called "${p.pseudonym}" already`, { where: 'pseudonym' });
      await writePositions(tx, id, p.positions);
      if (identity) await writeIdentity(tx, id, identity, userId);
      await this.ledger.append(tx, { actor, ...note(id) });
      return (await one(tx, id))!;
    });
  }

  async updatePerson(
    id: number,
    expectedVersion: number,
    c: Omit<PersonChange, 'protected'>,
    identity: SealedIdentity | null | undefined,
    userId: number,
    actor: string,
    note: LedgerNote,
  ): Promise<PersonRecord> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE persons SET role = COALESCE($3, role), pseudonym = COALESCE($4, pseudonym), version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 RETURNING id`,
        [id, expectedVersion, c.role ?? null, c.pseudonym ?? null],
      );
      if (r.rows.length === 0) throw (await one(tx, id)) ? conflict(`person ${id} was changed meanwhile: reload and try again`) : notFound(`no person ${id}`);
      if (c.positions) {
        await tx.query('DELETE FROM person_positions WHERE person_id = $1', [id]);
        await writePositions(tx, id, c.positions);
      }
      if (identity === null) await tx.query('DELETE FROM person_identities WHERE person_id = $1', [id]);
      else if (identity) await writeIdentity(tx, id, identity, userId);
      await this.ledger.append(tx, { actor, ...note });
      return (await one(tx, id))!;
    });
  }
}

async function one(q: Queryable, id: number): Promise<PersonRecord | null> {
  const r = await q.query<PersonRow>(`${SELECT} WHERE p.id = $1`, [id]);
  return r.rows[0] ? toPerson(r.rows[0]) : null;
}

/** Writes a person's positions (shared with the accountability import). */
export async function writePositions(tx: Queryable, personId: number, positions: readonly Position[]): Promise<void> {
  for (const p of positions) {
    await tx.query('INSERT INTO person_positions (person_id, facility_id, title, valid_from, valid_to, unit, rank) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      personId,
      p.facilityId,
      p.title,
      p.from,
      p.to,
      p.unit ?? null,
      p.rank ?? null,
    ]);
  }
}

async function writeIdentity(tx: Queryable, personId: number, s: SealedIdentity, userId: number): Promise<void> {
  await tx.query(
    `INSERT INTO person_identities (person_id, real_name, birth_date, notes, salt, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (person_id) DO UPDATE SET real_name = $2, birth_date = $3, notes = $4, salt = $5, updated_by = $6, updated_at = now()`,
    [personId, s.values.realName ?? null, s.values.birthDate ?? null, s.values.notes ?? null, s.salt, userId],
  );
}
