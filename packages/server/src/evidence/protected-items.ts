import type { Queryable } from '@custodia/store';
import { notFound } from '@custodia/core';
import type { Membership } from '../accounts/account.types.js';
import { hasGrant } from '../auth/access.js';

/**
 * Captured copies about the source's own legal exposure (ADR 0021, migration 031) are absent for
 * members without the `source-identity` grant — instance administrators included.
 */
export const seesProtectedItems = (m: Membership): boolean => hasGrant(m, 'source-identity');


export async function isProtectedItem(db: Queryable, itemId: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM protected_items WHERE item_id = $1', [itemId])).rows.length > 0;
}

/** A protected item the member may not see is answered exactly like an id nobody holds. */
export async function requireItemVisible(db: Queryable, m: Membership, itemId: number): Promise<void> {
  if (!seesProtectedItems(m) && (await isProtectedItem(db, itemId))) throw notFound(`no item ${itemId}`, { where: 'params.itemId' });
}

/** Which of these item ids are protected. */
export async function protectedAmong(db: Queryable, itemIds: readonly number[]): Promise<Set<number>> {
  if (itemIds.length === 0) return new Set();
  const r = await db.query<{ item_id: number }>('SELECT item_id FROM protected_items WHERE item_id = ANY($1::bigint[])', [itemIds]);
  return new Set(r.rows.map((x) => Number(x.item_id)));
}
