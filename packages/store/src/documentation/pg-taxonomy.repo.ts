import { conflict, notFound, type LedgerNote, type NewTerm, type TaxonomyRepo, type Term, type TermChange, type TermKind } from '@custodia/core';
import type { Db } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

interface TermRow {
  id: number;
  kind: TermKind;
  key: string;
  labels: Term['labels'];
  parent_id: number | null;
  built_in: boolean;
  archived: boolean;
}
const COLS = 'id, kind, key, labels, parent_id, built_in, archived';
const toTerm = (r: TermRow): Term => ({ id: r.id, kind: r.kind, key: r.key, labels: r.labels, parentId: r.parent_id, builtIn: r.built_in, archived: r.archived });

export class PgTaxonomyRepo implements TaxonomyRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async terms(kind?: TermKind): Promise<Term[]> {
    const r = await this.db.query<TermRow>(`SELECT ${COLS} FROM taxonomy_terms WHERE ($1::text IS NULL OR kind = $1) ORDER BY kind, id`, [kind ?? null]);
    return r.rows.map(toTerm);
  }

  async termsByIds(ids: readonly number[]): Promise<Term[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<TermRow>(`SELECT ${COLS} FROM taxonomy_terms WHERE id = ANY($1::bigint[])`, [ids]);
    return r.rows.map(toTerm);
  }

  async createTerm(t: NewTerm, actor: string, note: (id: number) => LedgerNote): Promise<Term> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<TermRow>(
        `INSERT INTO taxonomy_terms (kind, key, labels, parent_id) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (kind, key) DO NOTHING RETURNING ${COLS}`,
        [t.kind, t.key, JSON.stringify(t.labels), t.parentId],
      );
      if (!r.rows[0]) throw conflict(`a ${t.kind} term with key "${t.key}" exists already`, { where: 'key' });
      await this.ledger.append(tx, { actor, ...note(r.rows[0].id) });
      return toTerm(r.rows[0]);
    });
  }

  async updateTerm(id: number, c: TermChange, actor: string, note: LedgerNote): Promise<Term> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<TermRow>(
        `UPDATE taxonomy_terms SET
           labels = CASE WHEN $2::boolean THEN $3::jsonb ELSE labels END,
           parent_id = CASE WHEN $4::boolean THEN $5::bigint ELSE parent_id END,
           archived = COALESCE($6::boolean, archived),
           updated_at = now()
         WHERE id = $1 RETURNING ${COLS}`,
        [id, c.labels !== undefined, JSON.stringify(c.labels ?? null), c.parentId !== undefined, c.parentId ?? null, c.archived ?? null],
      );
      if (!r.rows[0]) throw notFound(`no term ${id}`);
      await this.ledger.append(tx, { actor, ...note });
      return toTerm(r.rows[0]);
    });
  }
}
