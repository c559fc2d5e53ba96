import type { ItemLookup, ItemRef } from '../annotations/item-lookup.port.js';
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

/**
 * The caller's access to a redaction's case, with at least `min`; a redaction of a protected item
 * does not exist for a caller without the `source-identity` grant (ADR 0021). `items` is the item
 * lookup that knows protection (the server's; a command acting on the operator's behalf may omit it).
 */
export async function requireRedactionRole(
  deps: { items?: ItemLookup },
  caller: Caller,
  r: { id: number; caseId: number; itemId: number },
  min: CaseRole,
): Promise<CaseAccess> {
  const access = await requireCaseRole(caller, r.caseId, min);
  if (deps.items && !seesSource(access)) {
    const [item] = await deps.items.itemRefs([r.itemId]);
    if (item?.protected) throw notFound(`no redaction ${r.id}`);
  }
  return access;
}
