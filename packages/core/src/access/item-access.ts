import type { ItemRef } from '../annotations/item-lookup.port.js';
import { notFound } from '../errors.js';
import { requireCaseRole, seesSource, type Caller, type CaseAccess, type CaseRole } from './caller.js';

/**
 * The caller's access to an item's case, with at least `min`. A protected item (a captured copy
 * about the source's own legal exposure, ADR 0021) does not exist for a caller without the
 * `source-identity` grant: "not found", exactly as for an id nobody holds.
 */
export async function requireItemRole(caller: Caller, item: ItemRef, min: CaseRole): Promise<CaseAccess> {
  const access = await requireCaseRole(caller, item.caseId, min);
  if (item.protected && !seesSource(access)) throw notFound(`no item ${item.id}`);
  return access;
}
