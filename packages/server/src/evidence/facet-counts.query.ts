import type { Queryable } from '@custodia/store';
import type { ItemsPage } from './items.schemas.js';
import type { FacetRow } from './text-matches.query.js';

/**
 * Facet counts read from `item_facet_counts` (migration 033, ADR 0023): one row per combination of
 * the facet columns, kept by statement triggers on item_index, so counting a case costs a few
 * hundred rows instead of every item. Exact, and consistent with item_index in the same snapshot.
 * Only filters on those columns (kind, status, camera or facility, activity, "in a duplicate
 * group", review state) can be answered from it; a time range, a tag, a particular duplicate group
 * or words need the items themselves.
 */

export interface Facets {
  facets: ItemsPage['facets'];
  total: number;
}

export const emptyFacets = (): ItemsPage['facets'] => ({ kind: {}, status: {}, camera: {}, hasActivity: {}, duplicate: {}, tag: {}, review: {} });

/** Delta rows read by one count past which the case's rows are folded into one per combination. */
export const COMPACT_ROWS = 2000;

/**
 * Counts of the items of the case matching `filter` (written over `i.` columns of
 * item_facet_counts: kind, status, camera, has_activity, duplicate, review_state).
 */
export async function facetsFromCounts(db: Queryable, caseId: number, filter: string, params: unknown[]): Promise<Facets> {
  const r = await db.query<{ kind: string | null; status: string | null; camera: string | null; has: boolean | null; dup: boolean | null; review: string | null; tag: string | number | null; g: number; n: number | null; nt: number | null; rows: number }>(
    `SELECT kind, status, camera, has, dup, review, tag, GROUPING(kind, status, camera, has, dup, review, tag) AS g,
            (sum(n) FILTER (WHERE tag IS NULL))::int AS n, sum(n)::int AS nt, count(*)::int AS rows
     FROM (SELECT i.kind, i.status, i.camera, i.has_activity AS has, i.duplicate AS dup, i.review_state AS review, i.tag, i.n
           FROM item_facet_counts i WHERE ${filter}) f
     GROUP BY GROUPING SETS ((kind), (status), (camera), (has), (dup), (review), (tag), ())`,
    params,
  );
  const out = emptyFacets();
  let total = 0;
  // GROUPING bits, leftmost argument highest: 0b0111111 = grouped by kind only, and so on. Rows
  // with a NULL tag are the items themselves; the (tag) set's other groups count tagged items.
  for (const row of r.rows) {
    if (row.g === 0b1111110) {
      if (row.tag !== null && (row.nt ?? 0) > 0) out.tag[String(Number(row.tag))] = row.nt!;
      continue;
    }
    const n = row.n ?? 0;
    if (row.g === 0b1111111) {
      total = Math.max(0, n);
      // Delta rows piled up (items written one by one): fold them for the next reads. These
      // counts are right either way.
      if (row.rows > COMPACT_ROWS) await db.query('SELECT custodia_item_facets_compact($1)', [caseId]);
    }
    if (n <= 0) continue;
    if (row.g === 0b0111111) out.kind[row.kind ?? ''] = n;
    else if (row.g === 0b1011111) out.status[row.status ?? ''] = n;
    else if (row.g === 0b1101111) out.camera[row.camera ?? '(unknown)'] = n;
    else if (row.g === 0b1110111) out.hasActivity[String(row.has)] = n;
    else if (row.g === 0b1111011) out.duplicate[String(row.dup)] = n;
    else if (row.g === 0b1111101) out.review[row.review ?? 'none'] = n;
  }
  return { facets: out, total };
}

/** The counts of items whose facet values were read (a few, named by an exact search). */
export function facetsOfRows(rows: Omit<FacetRow, 'item_id'>[]): Facets {
  const out = emptyFacets();
  const add = (f: Record<string, number>, k: string) => {
    f[k] = (f[k] ?? 0) + 1;
  };
  for (const x of rows) {
    add(out.kind, x.kind);
    add(out.status, x.status);
    add(out.camera, x.camera ?? '(unknown)');
    add(out.hasActivity, String(x.has));
    add(out.duplicate, String(x.dup));
    add(out.review, x.review ?? 'none');
    for (const t of x.tags ?? []) add(out.tag, String(Number(t)));
  }
  return { facets: out, total: rows.length };
}

/** How many items of the case match `filter` (as for facetsFromCounts), from the kept counts. */
export async function countFromCounts(db: Queryable, filter: string, params: unknown[]): Promise<number> {
  const r = await db.query<{ n: number | null }>(`SELECT sum(i.n)::int AS n FROM item_facet_counts i WHERE ${filter} AND i.tag IS NULL`, params);
  return Math.max(0, r.rows[0]?.n ?? 0);
}
