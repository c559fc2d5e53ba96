import type { AuditLog, ItemClocks, ItemLookup, ItemRef, LedgerNote } from '@custodia/core';
import type { Db } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';
import { PgAnnotationRepo } from './pg-annotation.repo.js';
import { PgFacilityRepo } from './pg-facility.repo.js';
import { PgIncidentRepo } from './pg-incident.repo.js';
import { PgLedgerViewRepo } from './pg-ledger-view.repo.js';
import { PgPersonRepo } from './pg-person.repo.js';
import { PgSavedViewRepo } from './pg-saved-view.repo.js';
import { PgTaxonomyRepo } from './pg-taxonomy.repo.js';
import { PgAccountabilityRepo } from '../accountability/pg-accountability.repo.js';
import { PgAccountabilityImporter } from '../accountability/pg-accountability-import.repo.js';
import { PgPublicationRepo } from '../publication/pg-publication.repo.js';

export class PgItemLookup implements ItemLookup {
  constructor(private readonly db: Db) {}
  async itemRefs(ids: readonly number[]): Promise<ItemRef[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<{ id: number; case_id: number; sha256: string | null; protected: boolean }>(
      'SELECT id, case_id, sha256, EXISTS (SELECT 1 FROM protected_items p WHERE p.item_id = items.id) AS protected FROM items WHERE id = ANY($1::bigint[])',
      [ids],
    );
    return r.rows.map((x) => ({ id: x.id, caseId: x.case_id, sha256: x.sha256, protected: x.protected }));
  }
}

/** The overlay clock (item_index, filled by triage) and the container's creation time (the probe). */
export class PgItemClocks implements ItemClocks {
  constructor(private readonly db: Db) {}
  async clocksOf(itemId: number): Promise<{ overlayStart: Date | null; creationTime: string | null; clockJumps: { atSec: number; bySec: number }[] }> {
    const r = await this.db.query<{ overlay_start: Date | null; creation_time: string | null; flags: unknown }>(
      `SELECT ix.overlay_start,
         (SELECT p.facts -> 'tags' ->> 'creationTime' FROM media_probes p WHERE p.sha256 = it.sha256 AND p.status = 'ok' LIMIT 1) AS creation_time,
         (SELECT r.flags FROM custodia_item_index_overlay(it.sha256) o JOIN overlay_runs r ON r.sha256 = o.sha256 AND r.tool = o.tool) AS flags
       FROM items it LEFT JOIN item_index ix ON ix.item_id = it.id WHERE it.id = $1`,
      [itemId],
    );
    const row = r.rows[0];
    const flags = Array.isArray(row?.flags) ? (row.flags as { kind?: unknown; toSec?: unknown; jumpSec?: unknown }[]) : [];
    const clockJumps = flags
      .filter((f) => f.kind === 'clock-jump' && typeof f.toSec === 'number' && typeof f.jumpSec === 'number')
      .map((f) => ({ atSec: f.toSec as number, bySec: f.jumpSec as number }));
    return { overlayStart: row?.overlay_start ? new Date(row.overlay_start) : null, creationTime: row?.creation_time ?? null, clockJumps };
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
    clocks: new PgItemClocks(db),
    audit: new PgAuditLog(db, ledger),
    accountability: new PgAccountabilityRepo(db, ledger),
    importer: new PgAccountabilityImporter(db, ledger),
    publication: new PgPublicationRepo(db, ledger),
  };
}
export type DocumentationRepos = ReturnType<typeof documentationRepos>;
