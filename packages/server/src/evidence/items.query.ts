import { invalid } from '@custodia/core';
import type { Queryable } from '@custodia/store';
import type { ItemRow, ItemsPage, ItemsQuery } from './items.schemas.js';
import { countFromCounts, facetsFromCounts, facetsOfRows, type Facets } from './facet-counts.query.js';
import { allTextMatches, FACET_COLUMNS, filteredTextMatches, textMatches, type FacetRow, type TextMatches } from './text-matches.query.js';

/** Which optional tables of other modules exist (checked once at start: migrations ran before). */
export interface SearchSources {
  facilities: boolean;
}

export async function detectSearchSources(db: Queryable): Promise<SearchSources> {
  const r = await db.query<{ f: string | null }>("SELECT to_regclass('facilities')::text AS f");
  return { facilities: r.rows[0]?.f != null };
}

const SORT_SQL: Record<string, { expr: string; dir: 'ASC' | 'DESC'; kind: 'text' | 'number' }> = {
  path: { expr: 'i.path', dir: 'ASC', kind: 'text' },
  size: { expr: 'COALESCE(i.size, -1)', dir: 'ASC', kind: 'number' },
  duration: { expr: 'COALESCE(i.duration_sec, -1)', dir: 'ASC', kind: 'number' },
  activity: { expr: 'i.activity_seconds', dir: 'ASC', kind: 'number' },
  id: { expr: 'i.item_id', dir: 'ASC', kind: 'number' },
  // Recorded time by the overlay clock; unread clocks sort first (ascending).
  // custodia_epoch (migration 033) so that the sort can read an index.
  recorded: { expr: 'COALESCE(custodia_epoch(i.overlay_start), -1e12)', dir: 'ASC', kind: 'number' },
};

function decodeCursor(cursor: string, kind: 'text' | 'number'): [string | number, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === (kind === 'text' ? 'string' : 'number') && Number.isInteger(v[1])) {
      return [v[0] as string | number, v[1] as number];
    }
  } catch {
    // fall through
  }
  throw invalid('this cursor is not valid for this sort (start again without it)', { where: 'query.cursor' });
}

const encodeCursor = (v: string | number, id: number): string => Buffer.from(JSON.stringify([v, id]), 'utf8').toString('base64url');

/**
 * The items of a case with filters, full-text search, sort, keyset pagination and facet counts
 * over the whole filtered set (estimated for a search matching more than SEARCH_EXACT items).
 * Reads `item_index` (one row per item, kept by triggers) and `item_search` (one merged search
 * document per item, kept by triggers from `search_docs`).
 */
/** A broad search's page walks at most about this many items of the case; else every match is listed. */
const WALK_MAX = 5000;
/** Fewer sampled matches than this (after the filters) are too few to estimate counts from. */
const SAMPLE_MIN = 100;
/** Filtered items (by kept counts) up to which a broad search within them is matched and counted exactly. */
const FILTERED_EXACT = 20_000;

/** Facet counts (GROUPING SETS over the index's facet columns) and tag counts of the filtered items. */
async function countFacets(db: Queryable, filter: string, params: unknown[]): Promise<Facets> {
  const facets = db.query<{ kind: string | null; status: string | null; camera: string | null; has: boolean | null; dup: boolean | null; review: string | null; g: number; n: number }>(
    `SELECT kind, status, camera, has, dup, review, GROUPING(kind, status, camera, has, dup, review) AS g, count(*)::int AS n
     FROM (SELECT i.kind, i.status, i.camera, i.activity_seconds > 0 AS has, i.duplicate_group IS NOT NULL AS dup, i.review_state AS review
           FROM item_index i WHERE ${filter}) f
     GROUP BY GROUPING SETS ((kind), (status), (camera), (has), (dup), (review), ())`,
    params,
  );
  const tags = db.query<{ t: number; n: number }>(
    `SELECT t, count(*)::int AS n FROM item_index i CROSS JOIN LATERAL unnest(i.tags) AS t WHERE ${filter} AND i.tags <> '{}' GROUP BY t`,
    params,
  );
  const [fr, tr] = await Promise.all([facets, tags]);
  const out: ItemsPage['facets'] = { kind: {}, status: {}, camera: {}, hasActivity: {}, duplicate: {}, tag: {}, review: {} };
  let total = 0;
  // GROUPING bits, leftmost argument highest: 0b011111 = grouped by kind only, and so on.
  for (const r of fr.rows) {
    if (r.g === 0b111111) total = r.n;
    else if (r.g === 0b011111) out.kind[r.kind ?? ''] = r.n;
    else if (r.g === 0b101111) out.status[r.status ?? ''] = r.n;
    else if (r.g === 0b110111) out.camera[r.camera ?? '(unknown)'] = r.n;
    else if (r.g === 0b111011) out.hasActivity[String(r.has)] = r.n;
    else if (r.g === 0b111101) out.duplicate[String(r.dup)] = r.n;
    else if (r.g === 0b111110) out.review[r.review ?? 'none'] = r.n;
  }
  for (const r of tr.rows) out.tag[String(r.t)] = r.n;
  return { facets: out, total };
}

/**
 * The same counts for a few items named by id (exact search results): their rows are read once, by
 * primary key, and both the facets and the tags are counted from them (the tagged-items index that
 * suits a whole case would visit every tagged item of it).
 */
async function countFacetsOfFew(db: Queryable, filter: string, params: unknown[]): Promise<Facets> {
  return facetsOfRows((await db.query<FacetRow>(`SELECT ${FACET_COLUMNS} FROM item_index i WHERE ${filter}`, params)).rows);
}

/**
 * `hideProtected`: leave out the case's protected items (captured copies about the source's own
 * legal exposure, ADR 0021) — from the page, the facet counts and the search alike. Their index rows
 * and kept counts carry the flag (migration 040, ADR 0031): hiding them is one more filter column.
 */
export async function queryItems(db: Queryable, caseId: number, q: ItemsQuery, sources: SearchSources, opts: { hideProtected?: boolean } = {}): Promise<ItemsPage> {
  const params: unknown[] = [caseId];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = ['i.case_id = $1'];
  // The same filters over item_facet_counts' columns, while every filter so far has one there
  // (null once one has not): the counts are then read from the kept counts, not the items.
  let cube: string[] | null = ['i.case_id = $1'];
  const both = (clause: string) => {
    where.push(clause);
    cube?.push(clause);
  };
  const itemsOnly = (clause: string) => {
    where.push(clause);
    cube = null;
  };
  if (q.kind?.length) both(`i.kind = ANY(${p(q.kind)}::text[])`);
  if (q.status?.length) both(`i.status = ANY(${p(q.status)}::text[])`);
  if (q.camera?.length) both(`i.camera = ANY(${p(q.camera)}::text[])`);
  if (q.facility !== undefined) {
    if (!sources.facilities) throw invalid('facilities are not set up on this instance', { where: 'query.facility' });
    both(
      `i.camera IN (WITH RECURSIVE t AS (SELECT id, kind, name, overlay_label FROM facilities WHERE id = ${p(q.facility)}
         UNION ALL SELECT f.id, f.kind, f.name, f.overlay_label FROM facilities f JOIN t ON f.parent_id = t.id)
       SELECT COALESCE(overlay_label, name) FROM t WHERE kind = 'camera')`,
    );
  }
  if (q.from) itemsOnly(`i.overlay_start >= ${p(q.from)}::timestamptz`);
  if (q.to) itemsOnly(`i.overlay_start < ${p(q.to)}::timestamptz`);
  if (q.hasActivity !== undefined) {
    where.push(q.hasActivity ? 'i.activity_seconds > 0' : 'i.activity_seconds = 0');
    cube?.push(q.hasActivity ? 'i.has_activity' : 'NOT i.has_activity');
  }
  if (q.duplicateGroup === 'any') {
    where.push('i.duplicate_group IS NOT NULL');
    cube?.push('i.duplicate');
  } else if (q.duplicateGroup) itemsOnly(`i.duplicate_group = ${p(q.duplicateGroup)}`);
  if (q.tag?.length) itemsOnly(`i.tags && ${p(q.tag)}::bigint[]`);
  if (q.review?.length) both(`i.review_state = ANY(${p(q.review)}::text[])`);
  // Whether the member chose filters the kept counts answer (hiding protected items is not one).
  const facetFiltered = cube !== null && (cube as string[]).length > 1;
  if (opts.hideProtected) both('NOT i.protected');
  const cubeFilter = cube ? (cube as string[]).join(' AND ') : null;
  // Full text last: its one parameter comes after the filters' (the facet counts of a broad search
  // put their sample there). Every source (paths, annotation notes, incident texts, OCR) writes its
  // documents to search_docs, merged per item into item_search (migration 028). The matching ids
  // are read first, through the GIN index (left to itself the planner walked the items in sort
  // order testing each, or hashed the whole case, for a handful of matches); see textMatches.
  const baseFilter = where.join(' AND ');
  const baseParams = params.length;
  let text: TextMatches | null = null;
  let facetsOf: Promise<Facets> | null = null;
  if (q.q) {
    // Filters the kept counts answer, leaving at most FILTERED_EXACT items: the words are matched
    // within those, exactly, without sampling (a common word narrowed by a few facets).
    const narrowed = cubeFilter !== null && facetFiltered ? await countFromCounts(db, cubeFilter, params.slice(0, baseParams)) : Number.POSITIVE_INFINITY;
    if (narrowed <= FILTERED_EXACT) {
      const rows = await filteredTextMatches(db, baseFilter, params.slice(0, baseParams), q.q);
      text = { exact: true, ids: rows.map((r) => Number(r.item_id)) };
      facetsOf = Promise.resolve(facetsOfRows(rows));
    } else text = await textMatches(db, caseId, q.q);
    if (text.exact) where.push(`i.item_id = ANY(${p(text.ids)}::bigint[])`);
    else {
      // Counted over the sample when it holds enough matches (after the filters) to estimate from;
      // the page then walks the case in sort order, testing each item, when matches are dense
      // enough to meet `limit` of them soon; else every match is listed.
      facetsOf = countFacets(db, `${baseFilter} AND i.item_id = ANY($${baseParams + 1}::bigint[])`, [...params, text.sampleIds]);
      const inSample = (await facetsOf).total;
      if (inSample < SAMPLE_MIN) {
        // Filters leave too few to estimate from: every match that passes them, counted exactly.
        // One join of the filtered items with the matching documents finds those few, so the
        // counts and the page read only them (not every match of the words).
        const rows = await filteredTextMatches(db, baseFilter, params.slice(0, baseParams), q.q);
        text = { exact: true, ids: rows.map((r) => Number(r.item_id)) };
        facetsOf = Promise.resolve(facetsOfRows(rows));
        where.push(`i.item_id = ANY(${p(text.ids)}::bigint[])`);
      } else {
        // Only an indexed order can be walked: every sort has its index (migrations 011, 033).
        const indexed = /^-?(path|id|size|duration|activity|recorded)$/.test(q.sort);
        const walk = indexed && (q.limit * text.caseItems) / (inSample * text.scale) <= WALK_MAX;
        where.push(
          walk
            ? `EXISTS (SELECT 1 FROM item_search s WHERE s.item_id = i.item_id AND s.tsv @@ custodia_search_query(${p(q.q)}))`
            : `i.item_id = ANY(${p(await allTextMatches(db, caseId, q.q))}::bigint[])`,
        );
      }
    }
  }
  const filter = where.join(' AND ');
  const filterParams = params.length;

  const desc = q.sort.startsWith('-');
  const sort = SORT_SQL[q.sort.replace(/^-/, '')]!;
  const dir = desc ? 'DESC' : 'ASC';
  const cmp = desc ? '<' : '>';
  let keyset = '';
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor, sort.kind);
    keyset = ` AND (${sort.expr}, i.item_id) ${cmp} (${p(v)}, ${p(id)})`;
  }
  const limit = p(q.limit + 1);
  const page = db.query<{
    item_id: number;
    path: string;
    kind: string;
    status: string;
    sha256: string | null;
    size: number | null;
    duration_sec: number | null;
    poster_sha256: string | null;
    proxy_sha256: string | null;
    camera: string | null;
    overlay_start: Date | null;
    activity_seconds: number;
    duplicate_group: string | null;
    tags: number[];
    review_state: string;
    sort_key: string | number;
  }>(
    `SELECT i.*, ${sort.expr} AS sort_key FROM item_index i WHERE ${filter}${keyset}
     ORDER BY ${sort.expr} ${dir}, i.item_id ${dir} LIMIT ${limit}`,
    params,
  );
  const counts =
    facetsOf ??
    (text === null && cubeFilter !== null
      ? facetsFromCounts(db, caseId, cubeFilter, params.slice(0, baseParams))
      : text?.exact
        ? countFacetsOfFew(db, filter, params.slice(0, filterParams))
        : countFacets(db, filter, params.slice(0, filterParams)));
  const [pr, counted] = await Promise.all([page, counts]);
  const { facets: out } = counted;
  let total = counted.total;
  const estimated = text !== null && !text.exact;
  if (text && !text.exact) {
    // Scaled up from the sample. Without other filters the total is the estimated number of matches.
    const up = (n: number) => Math.round(n * text.scale);
    for (const f of Object.values(out)) for (const k of Object.keys(f)) f[k] = up(f[k]!);
    total = baseFilter === 'i.case_id = $1' ? text.matches : up(total);
  }

  const rows = pr.rows.slice(0, q.limit);
  const last = pr.rows.length > q.limit ? rows[rows.length - 1] : undefined;
  const items: ItemRow[] = rows.map((r) => ({
    id: r.item_id,
    path: r.path,
    kind: r.kind,
    status: r.status,
    sha256: r.sha256,
    size: r.size,
    durationSec: r.duration_sec,
    posterSha256: r.poster_sha256,
    proxySha256: r.proxy_sha256,
    camera: r.camera,
    overlayStart: r.overlay_start ? new Date(r.overlay_start).toISOString() : null,
    activitySeconds: r.activity_seconds,
    duplicateGroup: r.duplicate_group,
    tags: (r.tags ?? []).map(Number),
    reviewState: r.review_state,
  }));
  return { items, facets: out, total, estimated, nextCursor: last ? encodeCursor(last.sort_key, last.item_id) : null };
}
