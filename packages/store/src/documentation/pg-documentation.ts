import type { AuditLog, ItemLookup, ItemRef, LedgerNote } from '@custodia/core';
import type { Db } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';
import { PgAnnotationRepo } from './pg-annotation.repo.js';
import { PgFacilityRepo } from './pg-facility.repo.js';
import { PgIncidentRepo } from './pg-incident.repo.js';
import { PgLedgerViewRepo } from './pg-ledger-view.repo.js';
import { PgPersonRepo } from './pg-person.repo.js';
import { PgSavedViewRepo } from './pg-saved-view.repo.js';
import { PgTaxonomyRepo } from './pg-taxonomy.repo.js';

export class PgItemLookup implements ItemLookup {
  constructor(private readonly db: Db) {}
  async itemRefs(ids: readonly number[]): Promise<ItemRef[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<{ id: number; case_id: number; sha256: string | null }>('SELECT id, case_id, sha256 FROM items WHERE id = ANY($1::bigint[])', [ids]);
    return r.rows.map((x) => ({ id: x.id, caseId: x.case_id, sha256: x.sha256 }));
  }
}

export class PgAuditLog implements AuditLog {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}
  async record(actor: string, note: LedgerNote): Promise<void> {
    await this.db.transaction((tx) => this.ledger.append(tx, { actor, ...note }));
  }
}

/** Every documentation adapter over one database, as the use cases' `deps` expect them. */
export function documentationRepos(db: Db, ledger: PgLedger) {
  return {
    taxonomy: new PgTaxonomyRepo(db, ledger),
    facilities: new PgFacilityRepo(db, ledger),
    persons: new PgPersonRepo(db, ledger),
    annotations: new PgAnnotationRepo(db, ledger),
    incidents: new PgIncidentRepo(db, ledger),
    views: new PgSavedViewRepo(db),
    ledgerView: new PgLedgerViewRepo(db),
    items: new PgItemLookup(db),
    audit: new PgAuditLog(db, ledger),
  };
}
export type DocumentationRepos = ReturnType<typeof documentationRepos>;
