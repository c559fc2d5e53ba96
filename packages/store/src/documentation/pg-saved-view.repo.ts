import type { SavedView, SavedViewRepo } from '@custodia/core';
import type { Db } from '../db/db.js';

interface ViewRow {
  id: number;
  case_id: number;
  user_id: number;
  name: string;
  query: Record<string, unknown>;
  created_at: Date;
}
const toView = (r: ViewRow): SavedView => ({ id: r.id, caseId: r.case_id, userId: r.user_id, name: r.name, query: r.query, createdAt: r.created_at });

export class PgSavedViewRepo implements SavedViewRepo {
  constructor(private readonly db: Db) {}

  async views(caseId: number, userId: number): Promise<SavedView[]> {
    const r = await this.db.query<ViewRow>('SELECT * FROM saved_views WHERE case_id = $1 AND user_id = $2 ORDER BY name', [caseId, userId]);
    return r.rows.map(toView);
  }

  async view(id: number): Promise<SavedView | null> {
    const r = await this.db.query<ViewRow>('SELECT * FROM saved_views WHERE id = $1', [id]);
    return r.rows[0] ? toView(r.rows[0]) : null;
  }

  async saveView(v: Omit<SavedView, 'id' | 'createdAt'>): Promise<SavedView> {
    const r = await this.db.query<ViewRow>(
      `INSERT INTO saved_views (case_id, user_id, name, query) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (case_id, user_id, name) DO UPDATE SET query = EXCLUDED.query RETURNING *`,
      [v.caseId, v.userId, v.name, JSON.stringify(v.query)],
    );
    return toView(r.rows[0]!);
  }

  async renameView(id: number, name: string): Promise<SavedView> {
    const r = await this.db.query<ViewRow>('UPDATE saved_views SET name = $2 WHERE id = $1 RETURNING *', [id, name]);
    return toView(r.rows[0]!);
  }

  async deleteView(id: number): Promise<void> {
    await this.db.query('DELETE FROM saved_views WHERE id = $1', [id]);
  }
}
