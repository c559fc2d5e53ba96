import { notFound, rawPathHexIfInexact, type Item } from '@custodia/core';
import { decodeEntry } from '@custodia/ledger';
import type { Vault } from '@custodia/store';
import { itemTriage } from './item-triage.js';

export interface CustodyEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  /** `included`: covered by the latest signed checkpoint; `pending`: appended after it (the next checkpoint will cover it). */
  proof: 'included' | 'pending';
}

/** Everything the item view shows, from the vault's own repositories. */
export async function itemDetail(vault: Vault, it: Item) {
  const acq = await vault.repo.acquisition(it.acquisitionId);
  const parent = it.parentId !== null ? await vault.repo.item(it.parentId) : null;
  const sha = it.sha256;
  const media = sha ? await vault.media.mediaOf([sha]) : null;
  const ds = sha ? (media!.derivatives.get(sha) ?? []) : [];
  const salvage = ds.find((d) => d.kind === 'salvage');
  const salvaged = salvage ? await vault.media.mediaOf([salvage.sha256]) : null;
  const sources = sha ? [sha, ...(salvage ? [salvage.sha256] : [])] : [];
  const activity = sources.length ? await vault.triage.activityOf(sources) : new Map();
  const steps = sources.length ? await vault.media.stepsOf(sources) : new Map();
  const probe = sha ? media!.probes.get(sha) : undefined;
  const derivatives = [
    ...ds.map((d) => ({ kind: d.kind, sha256: d.sha256, tool: d.tool, ofSalvage: false })),
    ...(salvage ? (salvaged!.derivatives.get(salvage.sha256) ?? []).map((d) => ({ kind: d.kind, sha256: d.sha256, tool: d.tool, ofSalvage: true })) : []),
  ];
  const a = (sha && activity.get(sha)) || (salvage && activity.get(salvage.sha256)) || null;

  const dupRows = sha
    ? await vault.db.query<{ item_id: number; path: string; case_id: number }>(
        'SELECT item_id, path, case_id FROM item_index WHERE case_id = $1 AND sha256 = $2 AND item_id <> $3 ORDER BY path LIMIT 200',
        [it.caseId, sha, it.id],
      )
    : { rows: [] };
  const triage = await itemTriage(vault, it, sha, salvage?.sha256 ?? null);

  return {
    item: {
      id: it.id,
      caseId: it.caseId,
      path: it.displayPath,
      rawPathHex: rawPathHexIfInexact(it) ?? null,
      pathEncoding: it.pathEncoding,
      parent: parent ? { id: parent.id, path: parent.displayPath } : null,
      sha256: sha,
      size: it.size,
      mtime: it.mtime,
      kind: it.kind,
      format: it.format,
      status: it.status,
      reason: it.reason,
      ledgerSeq: it.ledgerSeq,
    },
    acquisition: {
      id: acq.id,
      kind: acq.kind,
      operator: acq.operator,
      host: acq.host,
      toolVersion: acq.toolVersion,
      sourceLabel: acq.sourceLabel,
      note: acq.note,
      startedAt: acq.startedAt.toISOString(),
      finishedAt: acq.finishedAt ? acq.finishedAt.toISOString() : null,
      status: acq.status,
      manifestSha256: acq.manifestSha256,
    },
    probe: probe ? { status: probe.status, failureKind: probe.failureKind, failureMessage: probe.failureMessage, tool: probe.tool, facts: probe.facts } : null,
    derivatives,
    steps: sources.flatMap((s) => steps.get(s) ?? []),
    activity: a ? { mode: a.mode, tool: a.tool, curve: a.curve, segments: a.segments } : null,
    duplicates: dupRows.rows.map((r) => ({ id: r.item_id, path: r.path })),
    ...triage,
    custody: await custodyOf(vault, it.id, sources),
  };
}

/** The ledger entries about an item: those naming it, and those about its blob (probe, derivatives, activity). */
export async function custodyOf(vault: Vault, itemId: number, shas: string[]): Promise<CustodyEntry[]> {
  const r = await vault.db.query<{ seq: number; entry: string }>(
    `SELECT l.seq, l.entry FROM ledger_entries l WHERE l.seq IN (
       SELECT seq FROM ledger_item_refs WHERE item_id = $1
       UNION SELECT ledger_seq FROM media_probes WHERE sha256 = ANY($2::text[])
       UNION SELECT ledger_seq FROM derivatives WHERE source_sha256 = ANY($2::text[])
       UNION SELECT ledger_seq FROM activity_runs WHERE sha256 = ANY($2::text[])
       UNION SELECT ledger_seq FROM overlay_runs WHERE sha256 = ANY($2::text[])
       UNION SELECT ledger_seq FROM face_runs WHERE sha256 = ANY($2::text[])
       UNION SELECT ledger_seq FROM fingerprints WHERE sha256 = ANY($2::text[]))
     ORDER BY l.seq`,
    [itemId, shas],
  );
  const latest = await vault.ledger.latestCheckpoint(vault.db);
  return r.rows.map((row) => {
    const e = decodeEntry(Buffer.from(row.entry, 'utf8'));
    return {
      seq: row.seq,
      time: e.time,
      actor: e.actor,
      action: e.action,
      details: e.details as Record<string, unknown>,
      proof: latest && row.seq < latest.treeSize ? ('included' as const) : ('pending' as const),
    };
  });
}

export async function findItem(vault: Vault, id: number): Promise<Item> {
  const it = await vault.repo.item(id);
  if (!it) throw notFound(`no item ${id}`, { where: 'params.itemId' });
  return it;
}
