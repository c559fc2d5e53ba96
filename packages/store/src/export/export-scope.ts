import { invalid, notFound, rawPathHexIfInexact, type Item } from '@custodia/core';
import type { PackageAcquisition, PackageDerivative, PackageIncident, PackageItem } from '@custodia/verify';
import { toItem, type ItemRow } from '../repo/pg-vault.repo.js';
import type { Vault } from '../vault.js';

/** What to export: a whole case, chosen items, or the items an incident's evidence segments cite. */
export type ExportScope = { kind: 'case'; name: string } | { kind: 'items'; ids: number[] } | { kind: 'incident'; id: string };

export interface ExportSelection {
  cases: { id: number; name: string; createdAt: string }[];
  items: Item[];
  acquisitions: Omit<PackageAcquisition, never>[];
  /** Derivatives of the items' blobs, and of those derivatives (e.g. the proxy of a salvaged copy). */
  derivatives: Omit<PackageDerivative, 'file'>[];
  /** The incident, when the scope is one. */
  incident: PackageIncident | null;
}

/**
 * Resolves the scope to items and gathers their acquisitions and derivatives. Protected items
 * (captured copies about the source's own legal exposure, ADR 0021) are left out — asked for by id,
 * they are "not found" like ids nobody holds — unless `withSourceProtected` is chosen.
 */
export async function selectForExport(vault: Vault, scope: ExportScope, opts: { withSourceProtected?: boolean } = {}): Promise<ExportSelection> {
  let items: Item[];
  let incident: PackageIncident | null = null;
  if (scope.kind === 'case') {
    const kase = await vault.repo.findCase(scope.name);
    if (!kase) {
      const names = (await vault.repo.listCases()).map((c) => `"${c.name}"`);
      throw notFound(`no case named "${scope.name}"${names.length ? `; cases: ${names.join(', ')}` : ' (no cases yet)'}`);
    }
    items = await vault.repo.itemsOfCase(kase.id);
    if (!opts.withSourceProtected) items = await withoutProtected(vault, items);
  } else if (scope.kind === 'items') {
    if (scope.ids.length === 0) throw invalid('--items needs at least one item id');
    const r = await vault.db.query<ItemRow>('SELECT * FROM items WHERE id = ANY($1::bigint[]) ORDER BY id', [scope.ids]);
    items = r.rows.map(toItem);
    if (!opts.withSourceProtected) items = await withoutProtected(vault, items);
    const found = new Set(items.map((i) => i.id));
    const missing = scope.ids.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`no item with id ${missing.join(', ')}`);
  } else {
    // An incident's evidence: the items its current (not removed) segments cite.
    const id = Number(scope.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw invalid(`--incident needs an incident id (a positive whole number), not "${scope.id}"`);
    const inc = await vault.db.query<{
      id: number; case_id: number; title: string; status: string; occurred_from: Date | null; occurred_to: Date | null; time_source: string; place: string | null; version: number;
    }>('SELECT id, case_id, title, status, occurred_from, occurred_to, time_source, place, version FROM incidents WHERE id = $1', [id]);
    const row = inc.rows[0];
    if (!row) throw notFound(`no incident with id ${id}`);
    const segs = await vault.db.query<{ item_id: number; start_sec: number; end_sec: number; ledger_seq: number }>(
      'SELECT item_id, start_sec, end_sec, ledger_seq FROM incident_segments WHERE incident_id = $1 AND removed_at IS NULL ORDER BY id',
      [id],
    );
    incident = {
      id: Number(row.id), case: Number(row.case_id), title: row.title, status: row.status,
      occurredFrom: row.occurred_from?.toISOString() ?? null, occurredTo: row.occurred_to?.toISOString() ?? null,
      timeSource: row.time_source, place: row.place, version: Number(row.version),
      segments: segs.rows.map((s) => ({ item: Number(s.item_id), startSec: Number(s.start_sec), endSec: Number(s.end_sec), ledgerSeq: Number(s.ledger_seq) })),
    };
    const r = await vault.db.query<ItemRow>('SELECT * FROM items WHERE id = ANY($1::bigint[]) ORDER BY id', [[...new Set(incident.segments.map((s) => s.item))]]);
    items = r.rows.map(toItem);
    if (!opts.withSourceProtected) items = await withoutProtected(vault, items);
    if (items.length === 0) throw invalid(`nothing to export: incident ${id} cites no evidence segment yet`);
  }
  if (items.length === 0) throw invalid('nothing to export: the case has no items');

  const caseIds = [...new Set(items.map((i) => i.caseId))];
  const cases = (
    await vault.db.query<{ id: number; name: string; created_at: Date }>('SELECT id, name, created_at FROM cases WHERE id = ANY($1::bigint[]) ORDER BY id', [caseIds])
  ).rows.map((c) => ({ id: Number(c.id), name: c.name, createdAt: c.created_at.toISOString() }));

  const acquisitions: PackageAcquisition[] = [];
  for (const id of [...new Set(items.map((i) => i.acquisitionId))].sort((a, b) => a - b)) {
    const a = await vault.repo.acquisition(id);
    acquisitions.push({
      id: a.id, case: a.caseId, kind: a.kind, operator: a.operator, host: a.host, tool: `custodia ${a.toolVersion}`,
      options: a.options, roots: a.roots, startedAt: a.startedAt.toISOString(), finishedAt: a.finishedAt?.toISOString() ?? null,
      status: a.status, manifestSha256: a.manifestSha256, ledgerSeq: await acquisitionSeq(vault, a.id),
    });
  }

  const derivatives: ExportSelection['derivatives'] = [];
  const seen = new Set<string>();
  let sources = [...new Set(items.flatMap((i) => (i.sha256 ? [i.sha256] : [])))];
  while (sources.length) {
    const r = await vault.db.query<{ sha256: string; source_sha256: string; kind: string; tool: string; recipe: unknown; ledger_seq: number; size: number }>(
      `SELECT d.sha256, d.source_sha256, d.kind, d.tool, d.recipe, d.ledger_seq, b.size
         FROM derivatives d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.source_sha256 = ANY($1::text[]) ORDER BY d.id`,
      [sources],
    );
    sources = [];
    for (const d of r.rows) {
      const key = `${d.source_sha256}:${d.sha256}:${d.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      derivatives.push({
        sha256: d.sha256, sourceSha256: d.source_sha256, kind: d.kind, tool: d.tool, recipe: d.recipe, size: Number(d.size), ledgerSeq: Number(d.ledger_seq),
      });
      sources.push(d.sha256);
    }
  }
  return { cases, items, acquisitions, derivatives, incident };
}

async function acquisitionSeq(vault: Vault, id: number): Promise<number> {
  const r = await vault.db.query<{ ledger_seq: number }>('SELECT ledger_seq FROM acquisitions WHERE id = $1', [id]);
  return Number(r.rows[0]!.ledger_seq);
}

/** The manifest's description of an item. */
export function packageItem(it: Item, withOriginals: boolean): PackageItem {
  const rawPathHex = rawPathHexIfInexact(it);
  return {
    id: it.id, case: it.caseId, path: it.displayPath, ...(rawPathHex ? { rawPathHex } : {}), pathEncoding: it.pathEncoding,
    size: it.size, mtime: it.mtime, sha256: it.sha256, kind: it.kind, format: it.format, status: it.status, reason: it.reason,
    acquisition: it.acquisitionId, parent: it.parentId, ledgerSeq: it.ledgerSeq,
    file: withOriginals && it.sha256 ? `files/originals/${it.sha256}` : null,
  };
}

/** The items that are not protected (migration 031). */
async function withoutProtected(vault: Vault, items: Item[]): Promise<Item[]> {
  if (items.length === 0) return items;
  const r = await vault.db.query<{ item_id: number }>('SELECT item_id FROM protected_items WHERE item_id = ANY($1::bigint[])', [items.map((i) => i.id)]);
  const hidden = new Set(r.rows.map((x) => Number(x.item_id)));
  return hidden.size ? items.filter((i) => !hidden.has(i.id)) : items;
}
