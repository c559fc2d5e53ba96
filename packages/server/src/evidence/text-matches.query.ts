import type { Queryable } from '@custodia/store';

/**
 * Up to this many items matching the words are listed and counted one by one (their ids read from
 * the GIN index's matches, which stops there).
 */
export const SEARCH_EXACT = 2000;
/** About this many rows of item_search are read (whole pages at random) to estimate a broad search. */
export const SEARCH_SAMPLE_ROWS = 5000;

export type TextMatches =
  | { exact: true; ids: number[] }
  | {
      exact: false;
      /** The matching ids in the sample. */
      sampleIds: number[];
      /** Each sampled row stands for this many. */
      scale: number;
      /** Estimated matches and items of the case. */
      matches: number;
      caseItems: number;
    };

/**
 * The items of a case whose merged search document (item_search, migration 028) matches the words.
 * A few: their ids, exactly. Many (a common word in a big case): reading every match costs a row
 * fetch each, hundreds of milliseconds for tens of thousands, so a random sample of the table's
 * pages (TABLESAMPLE SYSTEM, a fixed seed so the figures hold still between requests) tells how
 * many match and which, to estimate counts from.
 */
export async function textMatches(db: Queryable, caseId: number, words: string): Promise<TextMatches> {
  const first = await db.query<{ item_id: string | number }>(
    'SELECT item_id FROM item_search WHERE case_id = $1 AND tsv @@ custodia_search_query($2) LIMIT $3',
    [caseId, words, SEARCH_EXACT + 1],
  );
  if (first.rows.length <= SEARCH_EXACT) return { exact: true, ids: first.rows.map((r) => Number(r.item_id)) };
  const rel = await db.query<{ n: number }>("SELECT GREATEST(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'item_search'::regclass");
  const rows = Number(rel.rows[0]?.n ?? 0);
  const pct = rows > SEARCH_SAMPLE_ROWS ? (100 * SEARCH_SAMPLE_ROWS) / rows : 100;
  const sample = await db.query<{ item_id: string | number; hit: boolean }>(
    `SELECT item_id, tsv @@ custodia_search_query($2) AS hit FROM item_search TABLESAMPLE SYSTEM ($3::float4) REPEATABLE (1) WHERE case_id = $1`,
    [caseId, words, pct],
  );
  const sampleIds = sample.rows.filter((r) => r.hit).map((r) => Number(r.item_id));
  const scale = 100 / pct;
  return {
    exact: false,
    sampleIds,
    scale,
    // At least what the first pass saw.
    matches: Math.max(SEARCH_EXACT + 1, Math.round(sampleIds.length * scale)),
    caseItems: Math.round(sample.rows.length * scale),
  };
}

/** Every matching id: for a broad search narrowed by filters to a few, where walking would not end soon. */
export async function allTextMatches(db: Queryable, caseId: number, words: string): Promise<number[]> {
  const r = await db.query<{ item_id: string | number }>('SELECT item_id FROM item_search WHERE case_id = $1 AND tsv @@ custodia_search_query($2)', [caseId, words]);
  return r.rows.map((x) => Number(x.item_id));
}

/** An item's facet values, as the facet counts read them. */
export interface FacetRow {
  item_id: string | number;
  kind: string;
  status: string;
  camera: string | null;
  has: boolean;
  dup: boolean;
  review: string;
  tags: (string | number)[];
}
export const FACET_COLUMNS = 'i.item_id, i.kind, i.status, i.camera, i.activity_seconds > 0 AS has, i.duplicate_group IS NOT NULL AS dup, i.review_state AS review, i.tags';

/**
 * The items passing `filter` (over item_index `i`, with its parameters) whose merged document
 * matches the words, with their facet values: a broad search narrowed by filters to few items,
 * listed and counted exactly from this one read.
 */
export async function filteredTextMatches(db: Queryable, filter: string, params: unknown[], words: string): Promise<FacetRow[]> {
  const r = await db.query<FacetRow>(
    `SELECT ${FACET_COLUMNS} FROM item_index i WHERE ${filter}
       AND i.item_id IN (SELECT s.item_id FROM item_search s WHERE s.case_id = $1 AND s.tsv @@ custodia_search_query($${params.length + 1}))`,
    [...params, words],
  );
  return r.rows;
}
