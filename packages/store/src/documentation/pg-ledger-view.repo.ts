import type { LedgerViewEntry, LedgerViewRepo } from '@custodia/core';
import type { Db } from '../db/db.js';

/**
 * A case's entries from the `ledger_refs` index (migration 016): entries naming the case, and
 * entries naming no case whose subjects are blobs of the case's items (probes, derivatives, fixity).
 */
export class PgLedgerViewRepo implements LedgerViewRepo {
  constructor(private readonly db: Db) {}

  async caseEntries(caseId: number, o: { before?: number; limit: number; actor?: string; action?: string; hideProtected?: boolean }): Promise<LedgerViewEntry[]> {
    // Each branch takes its newest `limit` rows from its own index; the two are merged after.
    const r = await this.db.query<{ seq: number; entry: string }>(
      `SELECT l.seq, l.entry FROM ledger_entries l WHERE l.seq IN (
         SELECT seq FROM (
           (SELECT seq FROM ledger_refs WHERE case_id = $1 AND seq < $2
              AND ($4::text IS NULL OR action = $4) AND ($5::text IS NULL OR actor = $5)
            ORDER BY seq DESC LIMIT $3)
           UNION
           (SELECT r.seq FROM ledger_refs r WHERE r.sha256 IS NOT NULL AND r.seq < $2
              AND ($4::text IS NULL OR r.action = $4) AND ($5::text IS NULL OR r.actor = $5)
              AND EXISTS (SELECT 1 FROM items it WHERE it.sha256 = r.sha256 AND it.case_id = $1)
            ORDER BY r.seq DESC LIMIT $3)) x
         ORDER BY seq DESC LIMIT $3)
         AND NOT ($6 AND (
           EXISTS (SELECT 1 FROM protected_items pi JOIN items it ON it.id = pi.item_id
                    WHERE pi.case_id = $1 AND it.sha256 IS NOT NULL AND (l.entry::jsonb -> 'subjects') ? it.sha256)
           OR (l.entry::jsonb -> 'details' ->> 'item') IN (SELECT item_id::text FROM protected_items WHERE case_id = $1)))
       ORDER BY l.seq DESC`,
      [caseId, o.before ?? Number.MAX_SAFE_INTEGER, o.limit, o.action ?? null, o.actor ?? null, o.hideProtected === true],
    );
    return r.rows.map((row) => {
      const e = JSON.parse(row.entry) as LedgerViewEntry;
      return { seq: row.seq, time: e.time, actor: e.actor, action: e.action, subjects: e.subjects, details: e.details };
    });
  }
}
