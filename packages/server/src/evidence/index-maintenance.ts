import type { Db } from '@custodia/store';

/**
 * The embedded database has no autovacuum: without this the browse index's statistics go stale
 * (bad plans) and its dead row versions (facts arrive as updates) are never reclaimed, so the
 * facet counts cannot use an index-only scan. A PostgreSQL server does this by itself.
 */
export async function maintainBrowseIndex(db: Db): Promise<boolean> {
  if (db.kind !== 'pglite') return false;
  for (const t of ['item_index', 'search_docs', 'item_search', 'item_facet_counts']) await db.query(`VACUUM ANALYZE ${t}`);
  return true;
}
