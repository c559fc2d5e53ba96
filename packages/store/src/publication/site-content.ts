import { contentHash, integrity } from '@custodia/core';
import { canonicalJson } from '@custodia/ledger';
import type { Queryable } from '../db/db.js';

/**
 * Everything the public site may show, and nothing else: each field below is chosen, one by one,
 * by the queries in this file (an allow-list). Internal titles and descriptions, places, cameras,
 * persons (only the number of detainees is shown), notes, annotations, sources, acquisitions and
 * original paths, staff, unapproved redactions and originals are never read here, so they cannot
 * reach a page. See docs/adr/0018-publication.md.
 */
export interface PublicSiteContent {
  incidents: PublicIncident[];
  /** Marked incidents or redactions left out, and why (no longer verified, no longer approved). */
  skipped: { incident: number; redaction: number | null; reason: string }[];
}

export interface PublicIncident {
  id: number;
  title: string;
  summary: string;
  occurredFrom: string | null;
  occurredTo: string | null;
  facility: PublicFacility | null;
  /** Types of ill-treatment, from the taxonomy's labels. */
  types: { key: string; en: string; ru: string }[];
  /** How many detainees (victims) the incident records: a count, never who. */
  detainees: number;
  videos: PublicVideo[];
}

export interface PublicFacility {
  id: number;
  name: string;
  region: string | null;
}

export interface PublicVideo {
  redactionId: number;
  /** The redacted file: the only video bytes that leave the instance. */
  derivativeSha256: string;
  size: number;
  /** What it was rendered from (the original or a derivative of it), and the item's original. */
  sourceSha256: string;
  originalSha256: string;
  recipeSha256: string;
  /** The ledger entry that recorded the render: the first that names the redacted file. */
  renderSeq: number | null;
}

/** Reads the public fields of a case's incidents marked public (verified ones only) and their approved redactions. */
export async function publicSiteContent(q: Queryable, caseId: number): Promise<PublicSiteContent> {
  const skipped: PublicSiteContent['skipped'] = [];
  const marked = await q.query<{
    id: number; status: string; public_title: string; public_summary: string; occurred_from: Date | null; occurred_to: Date | null;
    facility_id: number | null; term_ids: unknown[]; detainees: number; redaction_ids: unknown[]; entry: string; marked_by: string;
  }>(
    `SELECT i.id, i.status, p.public_title, p.public_summary, i.occurred_from, i.occurred_to, i.facility_id, i.term_ids,
            cardinality(i.victim_ids) AS detainees, p.redaction_ids, e.entry, u.username AS marked_by
       FROM publications p JOIN incidents i ON i.id = p.incident_id JOIN users u ON u.id = p.marked_by
       JOIN ledger_entries e ON e.seq = p.ledger_seq
      WHERE p.case_id = $1 ORDER BY i.occurred_from NULLS LAST, i.id`,
    [caseId],
  );
  for (const m of marked.rows) checkMark(m);
  const facilities = await facilityTree(q);
  const terms = new Map(
    (await q.query<{ id: number; key: string; labels: { en: string; ru: string } }>(`SELECT id, key, labels FROM taxonomy_terms WHERE kind = 'ill-treatment'`)).rows.map((t) => [
      Number(t.id),
      { key: t.key, en: t.labels.en, ru: t.labels.ru },
    ]),
  );
  const incidents: PublicIncident[] = [];
  for (const m of marked.rows) {
    const id = Number(m.id);
    if (m.status !== 'verified') {
      skipped.push({ incident: id, redaction: null, reason: `the incident is ${m.status}, no longer verified` });
      continue;
    }
    const videos: PublicVideo[] = [];
    for (const rid of m.redaction_ids.map(Number)) {
      const v = await publicVideo(q, caseId, rid);
      if (v) videos.push(v);
      else skipped.push({ incident: id, redaction: rid, reason: 'the redaction is no longer approved' });
    }
    incidents.push({
      id,
      title: m.public_title,
      summary: m.public_summary,
      occurredFrom: m.occurred_from ? new Date(m.occurred_from).toISOString() : null,
      occurredTo: m.occurred_to ? new Date(m.occurred_to).toISOString() : null,
      facility: m.facility_id === null ? null : facilities(Number(m.facility_id)),
      types: m.term_ids.map(Number).flatMap((t) => (terms.has(t) ? [terms.get(t)!] : [])),
      detainees: Number(m.detainees),
      videos,
    });
  }
  return { incidents, skipped };
}

async function publicVideo(q: Queryable, caseId: number, redactionId: number): Promise<PublicVideo | null> {
  const r = await q.query<{ id: number; output_sha256: string; size: number; source_sha256: string; original: string; recipe_sha256: string }>(
    `SELECT r.id, r.output_sha256, b.size, r.source_sha256, it.sha256 AS original, r.recipe_sha256
       FROM redactions r JOIN blobs b ON b.sha256 = r.output_sha256 JOIN items it ON it.id = r.item_id
      WHERE r.id = $1 AND r.case_id = $2 AND r.status = 'approved' AND r.output_sha256 IS NOT NULL
        -- a protected item (a captured copy about the source's own legal exposure, ADR 0021) is never published
        AND NOT EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = r.item_id)`,
    [redactionId, caseId],
  );
  const row = r.rows[0];
  if (!row) return null;
  // Candidates through ledger_refs (migration 016: an entry is indexed by its case, or else by its
  // subjects), so that only the case's entries are parsed, not the whole ledger.
  const render = await q.query<{ seq: number }>(
    `SELECT e.seq FROM ledger_entries e
      WHERE e.seq IN (SELECT seq FROM ledger_refs WHERE case_id = $2 OR sha256 = $1)
        AND (e.entry::jsonb -> 'subjects') ? $1 AND e.action <> 'publication-statement'
      ORDER BY e.seq LIMIT 1`,
    [row.output_sha256, caseId],
  );
  return {
    redactionId: Number(row.id),
    derivativeSha256: row.output_sha256,
    size: Number(row.size),
    sourceSha256: row.source_sha256,
    originalSha256: row.original,
    recipeSha256: row.recipe_sha256,
    renderSeq: render.rows[0] ? Number(render.rows[0].seq) : null,
  };
}

/**
 * The public text and the videos are published only as the ledger recorded them when the incident
 * was marked: a row changed behind the application's back stops the build.
 */
function checkMark(m: { id: number; public_title: string; public_summary: string; redaction_ids: unknown[]; entry: string; marked_by: string }): void {
  const e = JSON.parse(m.entry) as { actor: string; action: string; details: Record<string, unknown> };
  const ok =
    e.action === 'incident-marked-public' && e.actor === `user:${m.marked_by}` && e.details.incident === Number(m.id) &&
    e.details.publicTextSha256 === contentHash({ title: m.public_title, summary: m.public_summary }) &&
    canonicalJson(e.details.redactions) === canonicalJson(m.redaction_ids.map(Number));
  if (!ok) throw integrity(`the publication of incident ${m.id} differs from what the ledger recorded when it was marked: mark it again in the workspace; nothing was published`);
}

/** A facility's public description: the facility (climbing from a unit or camera) and its region. */
async function facilityTree(q: Queryable): Promise<(id: number) => PublicFacility | null> {
  const rows = (await q.query<{ id: number; kind: string; name: string; parent_id: number | null }>('SELECT id, kind, name, parent_id FROM facilities')).rows;
  const byId = new Map(rows.map((f) => [Number(f.id), f]));
  const up = (id: number | null, kind: string) => {
    for (let f = id === null ? undefined : byId.get(id), hops = 0; f && hops < 64; f = f.parent_id === null ? undefined : byId.get(Number(f.parent_id)), hops++) {
      if (f.kind === kind) return f;
    }
    return null;
  };
  return (id) => {
    const facility = up(id, 'facility');
    if (!facility) return null;
    return { id: Number(facility.id), name: facility.name, region: up(facility.parent_id === null ? null : Number(facility.parent_id), 'region')?.name ?? null };
  };
}
